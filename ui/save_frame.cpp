#include "save_frame.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>

#include "core/error.h"
#include "core/media/export/trajectory_export.h"
#include "core/trajectory.h"

namespace emergence::ui {

QString save_frame_png(const emergence::Trajectory& trajectory, int frame_index, FrameView view,
                       int scale, bool smooth, const QString& path, bool overwrite) {
  QString png = path;
  if (!png.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive)) {
    png += QStringLiteral(".png");
  }
  const QFileInfo info(png);
  ExportSettings s;
  s.format = ExportFormat::Still;
  s.view = static_cast<ExportView>(static_cast<int>(view));  // the same five views, same order
  s.first_frame = frame_index;
  s.last_frame = frame_index;
  s.scale = scale;
  s.smooth = smooth;
  s.directory = info.absolutePath().toStdString();
  s.base_name = png.chopped(4).section(QLatin1Char('/'), -1).toStdString();
  s.overwrite = overwrite;
  export_trajectory(trajectory, s);
  return info.absoluteFilePath();
}

QString save_current_frame(QWidget* parent, const emergence::Trajectory& trajectory,
                           int frame_index, FrameView view) {
  QSettings store;
  // The folder used last, else Pictures; one that has gone since falls back to home rather than
  // to wherever the app was started.
  QString folder = store
                       .value(QStringLiteral("saveFrame/folder"),
                              QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                       .toString();
  if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
    folder = QDir::homePath();
  }
  const QString suggested = QStringLiteral("%1/emergence_seed%2_step%3.png")
                                .arg(folder)
                                .arg(static_cast<qulonglong>(trajectory.params.seed))
                                .arg(frame_index, 4, 10, QLatin1Char('0'));
  const QString chosen = QFileDialog::getSaveFileName(parent, QObject::tr("Save current frame"),
                                                      suggested, QObject::tr("PNG images (*.png)"));
  if (chosen.isEmpty()) {
    return QString();
  }
  try {
    // The file dialog has already asked about replacing the image; its sidecar goes with it.
    const QString written = save_frame_png(
        trajectory, frame_index, view, store.value(QStringLiteral("export/scale"), 4).toInt(),
        store.value(QStringLiteral("export/smooth"), false).toBool(), chosen, true);
    store.setValue(QStringLiteral("saveFrame/folder"), QFileInfo(written).absolutePath());
    return written;
  } catch (const Error& e) {
    QMessageBox::warning(
        parent, QObject::tr("Save current frame"),
        QObject::tr("The frame was not saved: %1").arg(QString::fromUtf8(e.what())));
    return QString();
  }
}

}  // namespace emergence::ui
