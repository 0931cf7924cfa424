#pragma once

#include <QString>
#include <functional>
#include <memory>

#include "ui/main_window.h"

namespace emergence::ui::test {

// The small random-weight UNet fixture (16×16 RGB, no scheduler config).
QString small_model_dir();
QString test_data_dir(const QString& relative);

// A main window with fresh settings and no built-in model; fails the calling test (ASSERT) when
// the fixture model does not load within the timeout.
std::unique_ptr<MainWindow> window_with_small_model();
// Polls the event loop until the condition holds or the timeout passes.
bool wait_until(const std::function<bool()>& condition, int timeout_ms = 60000);
// Sets the step count and runs to the end; false if the run did not end in time.
bool run_to_end(MainWindow& window, int steps);
// Shows the window and waits until it is active (keyboard shortcuts need an active window).
bool show_active(MainWindow& window);
// Drags `path` onto the window and drops it there, as a file manager does. Returns whether the
// window accepted both the drag's enter event and the drop.
bool drop_file_on(QWidget& window, const QString& path);
// Hands the next modal dialog (a file dialog, a message box) to `answer` once it is open, for
// code that blocks in exec(); `answer` must close it. Call before the code that opens it; the
// wait ends with `owner` (the window under test), so it never answers another test's dialog.
void answer_next_dialog(QObject* owner, const std::function<void(QWidget* dialog)>& answer);

}  // namespace emergence::ui::test
