#pragma once

#include <QHash>
#include <QObject>

class QAction;
class QMainWindow;
class QMenu;

namespace emergence::ui {

class TimelineWidget;

// The window's bare keys: ←/→ a frame, Home/End, Space to play, Esc to stop the run. They act
// wherever focus is in the window, so they work right after Generate without a click on the
// canvas, and they yield to a focused widget that uses the key itself: a text field (Qt lets an
// edited field claim its keys), a slider's arrows, a button's or check box's Space, a list.
class WindowKeys : public QObject {
  Q_OBJECT

 public:
  // Adds the timeline actions to `menu`, makes them and `stop` (Esc) window-wide shortcuts.
  WindowKeys(QMainWindow* window, TimelineWidget* timeline, QMenu* menu, QAction* stop);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QMainWindow* window_;
  QAction* stop_;
  QHash<int, QAction*> actions_;  // by key
};

}  // namespace emergence::ui
