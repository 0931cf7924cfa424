#include "model_paths.h"

#include <QDir>
#include <QFileInfo>

namespace emergence::ui {

bool is_model_file(const QString& path) {
  const QFileInfo info(path);
  return info.isFile() &&
         (info.suffix().compare(QStringLiteral("safetensors"), Qt::CaseInsensitive) == 0 ||
          info.fileName() == QStringLiteral("model_index.json") ||
          info.fileName() == QStringLiteral("config.json"));
}

QString model_path_for_file(const QString& path) {
  const QFileInfo info(path);
  const QDir folder = info.absoluteDir();
  const bool folder_file = info.fileName() == QStringLiteral("model_index.json") ||
                           info.fileName() == QStringLiteral("config.json") ||
                           folder.exists(QStringLiteral("config.json"));
  return folder_file ? folder.absolutePath() : info.absoluteFilePath();
}

}  // namespace emergence::ui
