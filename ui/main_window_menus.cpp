// The window's menus, shortcuts and view toolbar (kept apart from the run logic).
#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QLabel>
#include <QMenuBar>
#include <QToolBar>

#include "canvas_view.h"
#include "controls_panel.h"
#include "main_window.h"
#include "timeline_widget.h"

namespace emergence::ui {

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model Folder…"), this, &MainWindow::openModelDialog);
  open->setShortcut(QKeySequence::Open);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  file->addSeparator();
  export_action_ = file->addAction(tr("&Export Steps…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                                   &MainWindow::openExportDialog);
  export_action_->setEnabled(false);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* generate = run->addAction(tr("&Generate"), this, &MainWindow::generate);
  generate->setShortcuts(
      {QKeySequence(Qt::CTRL | Qt::Key_G), QKeySequence(Qt::CTRL | Qt::Key_Return)});
  QAction* stop = run->addAction(tr("&Stop"), this, &MainWindow::stop);
  stop->setShortcut(QKeySequence(Qt::Key_Escape));
  QAction* auto_run = run->addAction(tr("&Regenerate on Change"));
  auto_run->setCheckable(true);
  connect(auto_run, &QAction::toggled, controls_, &ControlsPanel::setAutoRegenerate);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view_actions_ = new QActionGroup(this);
  const QStringList names = frame_view_names();
  for (int i = 0; i < kFrameViewCount; ++i) {
    QAction* action = view->addAction(names[i], this, [this, i] { setView(FrameView(i)); });
    action->setCheckable(true);
    action->setShortcut(QKeySequence(Qt::Key_1 + i));
    view_actions_->addAction(action);
  }
  view->addSeparator();
  view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, canvas_, &CanvasView::zoomIn);
  view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, canvas_, &CanvasView::zoomOut);
  view->addAction(tr("&Fit"), QKeySequence(Qt::CTRL | Qt::Key_0), canvas_,
                  &CanvasView::fitToWindow);
  view->addAction(tr("&Actual Size"), QKeySequence(Qt::CTRL | Qt::Key_1), canvas_,
                  [this] { canvas_->setZoom(1.0); });

  // Timeline keys act while the canvas or timeline has focus, so spin boxes keep their arrows.
  QMenu* steps = menuBar()->addMenu(tr("&Timeline"));
  const auto add_key = [&](const QString& text, QKeySequence key, auto slot) {
    QAction* action = steps->addAction(text, timeline_, slot);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    viewer_->addAction(action);
  };
  add_key(tr("&Previous Step"), QKeySequence(Qt::Key_Left), [this] { timeline_->stepBy(-1); });
  add_key(tr("&Next Step"), QKeySequence(Qt::Key_Right), [this] { timeline_->stepBy(1); });
  add_key(tr("&First Step"), QKeySequence(Qt::Key_Home), [this] { timeline_->goToFirst(); });
  add_key(tr("&Last Step"), QKeySequence(Qt::Key_End), [this] { timeline_->goToLast(); });
  add_key(tr("Play / &Pause"), QKeySequence(Qt::Key_Space), [this] { timeline_->togglePlay(); });

  QToolBar* bar = addToolBar(tr("View"));
  bar->setObjectName(QStringLiteral("viewToolBar"));
  auto* combo = new QComboBox(bar);
  combo->setObjectName(QStringLiteral("viewCombo"));
  combo->addItems(names);
  combo->setToolTip(tr("What the canvas shows (keys 1–5)"));
  bar->addWidget(new QLabel(tr(" Show: "), bar));
  bar->addWidget(combo);
  connect(combo, &QComboBox::activated, this, [this](int i) { setView(FrameView(i)); });
  connect(view_actions_, &QActionGroup::triggered, combo,
          [combo, this] { combo->setCurrentIndex(int(view_)); });
  bar->addSeparator();
  bar->addAction(tr("Fit"), canvas_, &CanvasView::fitToWindow);
  bar->addAction(tr("1:1"), canvas_, [this] { canvas_->setZoom(1.0); });
  bar->addAction(tr("−"), canvas_, &CanvasView::zoomOut)->setToolTip(tr("Zoom out (Ctrl+-)"));
  bar->addAction(tr("+"), canvas_, &CanvasView::zoomIn)->setToolTip(tr("Zoom in (Ctrl++)"));
  connect(this, &MainWindow::frameShown, combo, [combo, this] {
    if (combo->currentIndex() != int(view_)) {
      combo->setCurrentIndex(int(view_));
    }
  });
}

}  // namespace emergence::ui
