#pragma once

#include <QFrame>

class QLabel;

namespace emergence::ui {

// A dismissable, non-modal strip above the canvas that names what went wrong (a bad model
// folder, a run that turned NaN). Work carries on around it.
class MessageBanner : public QFrame {
  Q_OBJECT

 public:
  explicit MessageBanner(QWidget* parent = nullptr);

  void showError(const QString& message);
  void showNotice(const QString& message);
  QString text() const;  // empty while dismissed

 private:
  void showStyled(const QString& message, const QString& style);

  QLabel* label_;
};

}  // namespace emergence::ui
