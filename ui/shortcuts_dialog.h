#pragma once

#include <QDialog>

class QMenuBar;
class QTreeWidget;

namespace emergence::ui {

// Help → Keyboard Shortcuts: every menu action that has a key, read from the menu bar itself so
// the list cannot drift from the real shortcuts, plus what the mouse does on the image.
class ShortcutsDialog : public QDialog {
  Q_OBJECT

 public:
  ShortcutsDialog(const QMenuBar* menus, QWidget* parent = nullptr);

  // Rows as "key — what it does", for tests.
  QStringList entries() const;

 private:
  QTreeWidget* tree_;
};

}  // namespace emergence::ui
