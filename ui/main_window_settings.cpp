// What the window remembers between sessions (kept apart from the run logic).
#include "controls_panel.h"
#include "core/generation_params.h"
#include "main_window.h"
#include "settings_store.h"
#include "sketch_session.h"
#include "timeline_widget.h"

namespace emergence::ui {

void MainWindow::restoreSettings() {
  GenerationParams params;
  settings_->loadParams(params);
  controls_->setParams(params);
  controls_->setSeedLocked(settings_->value(QStringLiteral("controls/seed_locked"), true));
  controls_->setAutoRegenerate(settings_->value(QStringLiteral("controls/auto"), false));
  timeline_->setFps(settings_->value(QStringLiteral("timeline/fps"), 12));
  timeline_->setLoop(settings_->value(QStringLiteral("timeline/loop"), true));
  // x_t is mostly noise until late in a run, so a fresh configuration watches the clean guess.
  setView(FrameView(
      std::clamp(settings_->value(QStringLiteral("view/mode"), int(FrameView::CleanGuess)), 0,
                 kFrameViewCount - 1)));
  if (!restoreGeometry(settings_->geometry())) {
    resize(1280, 820);
  }
  restoreState(settings_->windowState());
  sketch_->restoreSettings(*settings_);
  refreshModelChoices();
}

void MainWindow::saveSettings() {
  settings_->saveParams(controls_->params());
  settings_->setValue(QStringLiteral("controls/seed_locked"), controls_->seedLocked());
  settings_->setValue(QStringLiteral("controls/auto"), controls_->autoRegenerate());
  settings_->setValue(QStringLiteral("timeline/fps"), timeline_->fps());
  settings_->setValue(QStringLiteral("timeline/loop"), timeline_->loops());
  settings_->setValue(QStringLiteral("view/mode"), int(view_));
  sketch_->saveSettings(*settings_);
  settings_->saveWindow(saveGeometry(), saveState());
}

}  // namespace emergence::ui
