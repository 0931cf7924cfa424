#pragma once

#include <QByteArray>
#include <QSettings>
#include <QStringList>

namespace emergence {
struct GenerationParams;
}

namespace emergence::ui {

// What the window remembers between sessions, on top of QSettings (organisation and application
// names decide where; tests switch on QStandardPaths' test mode to stay isolated).
class SettingsStore {
 public:
  SettingsStore() = default;

  // Every control's value; missing keys keep the params' defaults.
  void loadParams(GenerationParams& params) const;
  void saveParams(const GenerationParams& params);

  // Model folder of the last session; empty means the built-in model.
  QString lastModel() const;
  void setLastModel(const QString& folder);
  QStringList recentModels() const;
  void addRecentModel(const QString& folder);  // most recent first, at most 8

  bool value(const QString& key, bool fallback) const;
  int value(const QString& key, int fallback) const;
  double value(const QString& key, double fallback) const;
  QString value(const QString& key, const QString& fallback) const;
  void setValue(const QString& key, const QVariant& value);

  QByteArray geometry() const;
  QByteArray windowState() const;
  void saveWindow(const QByteArray& geometry, const QByteArray& state);

 private:
  QSettings settings_;
};

}  // namespace emergence::ui
