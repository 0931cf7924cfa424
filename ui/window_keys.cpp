#include "window_keys.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QKeyEvent>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QTabBar>

#include "timeline_widget.h"

namespace emergence::ui {
namespace {

// Whether the focused widget does something of its own with this key. Text fields are absent:
// they claim their editing keys through the same ShortcutOverride event before this is asked.
bool focus_uses_key(const QWidget* focus, int key) {
  if (focus == nullptr) {
    return false;
  }
  if (qobject_cast<const QAbstractSlider*>(focus) != nullptr ||
      qobject_cast<const QAbstractItemView*>(focus) != nullptr ||
      qobject_cast<const QTabBar*>(focus) != nullptr) {
    return true;
  }
  if (qobject_cast<const QComboBox*>(focus) != nullptr) {
    return key != Qt::Key_Left && key != Qt::Key_Right;  // Home/End pick an item, Space opens
  }
  if (qobject_cast<const QAbstractButton*>(focus) != nullptr) {
    return key == Qt::Key_Space;
  }
  return false;
}

}  // namespace

WindowKeys::WindowKeys(QMainWindow* window, TimelineWidget* timeline, QMenu* menu, QAction* stop)
    : QObject(window), window_(window), stop_(stop) {
  const auto add_key = [&](const QString& text, Qt::Key key, auto slot) {
    QAction* action = menu->addAction(text, timeline, slot);
    action->setShortcut(QKeySequence(key));
    action->setShortcutContext(Qt::WindowShortcut);
    window->addAction(action);
    actions_.insert(key, action);
  };
  add_key(tr("&Previous Frame"), Qt::Key_Left, [timeline] { timeline->stepBy(-1); });
  add_key(tr("&Next Frame"), Qt::Key_Right, [timeline] { timeline->stepBy(1); });
  add_key(tr("&First Frame"), Qt::Key_Home, [timeline] { timeline->goToFirst(); });
  add_key(tr("&Last Frame"), Qt::Key_End, [timeline] { timeline->goToLast(); });
  add_key(tr("Play / &Pause"), Qt::Key_Space, [timeline] { timeline->togglePlay(); });
  menu->addAction(timeline->loopAction());
  actions_.insert(Qt::Key_Escape, stop);
  // A focused widget's ShortcutOverride or key press that it left unaccepted travels up to the
  // window; the menu bar keeps Esc for itself after a menu closed.
  window->installEventFilter(this);
  window->menuBar()->installEventFilter(this);
}

bool WindowKeys::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress) {
    return false;
  }
  const auto* press = static_cast<QKeyEvent*>(event);
  const int key = press->key();
  if ((press->modifiers() & ~Qt::KeypadModifier) != Qt::NoModifier || !actions_.contains(key)) {
    return false;
  }
  if (event->type() == QEvent::ShortcutOverride) {
    if (key != Qt::Key_Escape && focus_uses_key(QApplication::focusWidget(), key)) {
      event->accept();  // the key goes to the focused widget, not to the shortcut
      return true;
    }
  } else {
    if (watched == window_->menuBar()) {
      // A menu closed with Esc leaves the menu bar holding the keyboard, so this Esc would only
      // release it: let it stop the run too (issue 11, item 6), and the menu bar let go.
      if (key == Qt::Key_Escape && QApplication::activePopupWidget() == nullptr) {
        stop_->trigger();
      }
      return false;
    }
    // A key no widget took and no shortcut caught: the platform can leave the shortcuts asleep
    // after a popup or dialog closes (the window is not active again yet). Act on it anyway.
    if (QAction* action = actions_.value(key); action->isEnabled()) {
      action->trigger();
      return true;
    }
  }
  return false;
}

}  // namespace emergence::ui
