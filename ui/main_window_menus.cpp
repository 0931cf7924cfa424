// The window's menus, shortcuts and view toolbar (kept apart from the run logic).
#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QSignalBlocker>
#include <QToolBar>

#include "canvas_view.h"
#include "controls_panel.h"
#include "help_menu.h"
#include "main_window.h"
#include "sketch_session.h"
#include "sketch_toolbar.h"
#include "timeline_widget.h"
#include "window_keys.h"

namespace emergence::ui {

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model…"), this, &MainWindow::openModelDialog);
  open->setShortcut(QKeySequence::Open);
  open->setToolTip(tr("A Stable Diffusion .safetensors checkpoint, or a diffusers folder"));
  file->addAction(tr("Open Model &Folder…"), this, &MainWindow::openModelFolderDialog);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  file->addSeparator();
  file->addAction(tr("&Train on a Folder…"), this, &MainWindow::openTrainingWindow)
      ->setToolTip(tr("Train a model on a folder of images, watching it learn"));
  file->addSeparator();
  SketchToolBar* sketch = sketch_->toolBar();
  file->addAction(sketch->newSketchAction());
  file->addAction(sketch->openAction());
  file->addAction(sketch->removeAction());
  file->addSeparator();
  file->addAction(tr("Open Sess&ion…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                  &MainWindow::openSessionDialog);
  file->addAction(tr("Save Sessio&n…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this,
                  &MainWindow::saveSessionDialog);
  file->addSeparator();
  save_action_ = file->addAction(tr("&Save Current Frame…"), QKeySequence::Save, this,
                                 &MainWindow::saveCurrentFrame);
  save_action_->setEnabled(false);
  export_action_ = file->addAction(tr("&Export Steps…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                                   &MainWindow::openExportDialog);
  export_action_->setEnabled(false);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(sketch->undoAction());
  edit->addAction(sketch->redoAction());
  edit->addSeparator();
  edit->addActions(sketch->toolActions());
  edit->addSeparator();
  edit->addAction(sketch->clearMaskAction());
  edit->addAction(sketch->invertMaskAction());

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* generate = run->addAction(tr("&Generate"), this, &MainWindow::generate);
  generate->setShortcuts(
      {QKeySequence(Qt::CTRL | Qt::Key_G), QKeySequence(Qt::CTRL | Qt::Key_Return)});
  QAction* stop = run->addAction(tr("&Stop"), this, &MainWindow::stop);
  stop->setShortcut(QKeySequence(Qt::Key_Escape));
  QAction* branch = run->addAction(tr("&Branch Here"), QKeySequence(Qt::CTRL | Qt::Key_B), this,
                                   &MainWindow::branchHere);
  branch->setToolTip(
      tr("Sample the steps after the shown one again: a new seed, or the sampler, "
         "steps, guidance or class now set"));
  QAction* fan_out =
      run->addAction(tr("&Fan Out from Here…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B),
                     this, &MainWindow::openFanOutDialog);
  fan_out->setToolTip(
      tr("Many branches from the shown step with fresh noise: see the mean settle on a mode"));
  QAction* variations =
      run->addAction(tr("&Variations of This Run…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V),
                     this, &MainWindow::openVariationsDialog);
  variations->setToolTip(tr("A grid of runs whose noise is near this one's (variation seeds)"));
  QAction* compare =
      run->addAction(tr("&Compare Samplers and Steps…"), QKeySequence(Qt::CTRL | Qt::Key_K), this,
                     &MainWindow::openCompareDialog);
  compare->setToolTip(tr("What more steps buy: one seed, several samplers and step counts"));
  run->addAction(sketch->liveAction());
  QAction* auto_run = run->addAction(tr("&Regenerate on Change"));
  auto_run->setCheckable(true);
  connect(auto_run, &QAction::toggled, controls_, &ControlsPanel::setAutoRegenerate);
  // The controls' check box may have changed it since the menu was last open.
  connect(run, &QMenu::aboutToShow, auto_run, [this, auto_run] {
    const QSignalBlocker block(auto_run);
    auto_run->setChecked(controls_->autoRegenerate());
  });

  buildModelControls();

  view_menu_ = menuBar()->addMenu(tr("&View"));
  view_actions_ = new QActionGroup(this);
  const QStringList names = frame_view_names();
  for (int i = 0; i < kFrameViewCount; ++i) {
    QAction* action = view_menu_->addAction(names[i], this, [this, i] { setView(FrameView(i)); });
    action->setCheckable(true);
    action->setShortcut(QKeySequence(Qt::Key_1 + i));
    view_actions_->addAction(action);
  }
  view_menu_->addSeparator();
  view_menu_->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, canvas_, &CanvasView::zoomIn);
  view_menu_->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, canvas_, &CanvasView::zoomOut);
  view_menu_->addAction(tr("&Fit"), QKeySequence(Qt::CTRL | Qt::Key_0), canvas_,
                        &CanvasView::fitToWindow);
  view_menu_->addAction(tr("&Actual Size"), QKeySequence(Qt::CTRL | Qt::Key_1), canvas_,
                        [this] { canvas_->setZoom(1.0); });

  new WindowKeys(this, timeline_, menuBar()->addMenu(tr("&Timeline")), stop);

  QToolBar* bar = addToolBar(tr("View"));
  bar->setObjectName(QStringLiteral("viewToolBar"));
  view_combo_ = new QComboBox(bar);
  view_combo_->setObjectName(QStringLiteral("viewCombo"));
  view_combo_->addItems(names);
  view_combo_->setToolTip(tr("What the canvas shows (keys 1–5)"));
  bar->addWidget(new QLabel(tr(" Show: "), bar));
  bar->addWidget(view_combo_);
  connect(view_combo_, &QComboBox::activated, this, [this](int i) { setView(FrameView(i)); });
  bar->addSeparator();
  bar->addAction(tr("Fit"), canvas_, &CanvasView::fitToWindow);
  bar->addAction(tr("1:1"), canvas_, [this] { canvas_->setZoom(1.0); });
  bar->addAction(tr("−"), canvas_, &CanvasView::zoomOut)->setToolTip(tr("Zoom out (Ctrl+-)"));
  bar->addAction(tr("+"), canvas_, &CanvasView::zoomIn)->setToolTip(tr("Zoom in (Ctrl++)"));

  // Every panel can be closed and comes back from here (the docks add theirs as they are made).
  view_menu_->addSection(tr("Panels"));
  for (QDockWidget* dock : findChildren<QDockWidget*>()) {
    view_menu_->addAction(dock->toggleViewAction());
  }
  addToolBarBreak();
  addToolBar(sketch);
  view_menu_->addAction(sketch->toggleViewAction());
  toolbar_toggle_ = bar->toggleViewAction();
  toolbar_toggle_->setText(tr("View Toolbar"));
  view_menu_->addAction(toolbar_toggle_);

  add_help_menu(this);
}

}  // namespace emergence::ui
