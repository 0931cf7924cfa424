#pragma once

class QMainWindow;

namespace emergence::ui {

// Adds Help → Keyboard Shortcuts (F1) and About Emergence to the window's menu bar.
void add_help_menu(QMainWindow* window);

}  // namespace emergence::ui
