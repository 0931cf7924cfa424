#pragma once

#include <QString>

#include "ui/frame_images.h"

class QWidget;

namespace emergence {
struct Trajectory;
}

namespace emergence::ui {

// "Save current frame" (Ctrl+S): asks for a PNG file name (starting in the last folder used) and
// writes the step as the canvas shows it, at the export dialog's remembered scale, with the run's
// parameters in a tEXt chunk and a JSON sidecar beside it. The file dialog asks before replacing
// a file. Returns the path written, or an empty string when the user cancelled or it failed (a
// message box then says why).
QString save_current_frame(QWidget* parent, const emergence::Trajectory& trajectory,
                           int frame_index, FrameView view);

// The non-interactive part: writes frame_index of the run to path (".png" is appended when
// missing) plus path + ".json"; returns the PNG's path. Throws emergence::Error naming the file.
QString save_frame_png(const emergence::Trajectory& trajectory, int frame_index, FrameView view,
                       int scale, bool smooth, const QString& path, bool overwrite);

}  // namespace emergence::ui
