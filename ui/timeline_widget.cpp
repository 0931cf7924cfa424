#include "timeline_widget.h"

#include <QAction>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <algorithm>
#include <cmath>

#include "core/trajectory.h"
#include "frame_store.h"
#include "run_wording.h"
#include "sigma_text.h"
#include "thumbnail_strip.h"

namespace emergence::ui {
namespace {

// Looping playback holds the final image this long, so the result is seen before noise returns.
constexpr int kFinalHoldMs = 600;

}  // namespace

TimelineWidget::TimelineWidget(const FrameStore* store, QWidget* parent)
    : QWidget(parent),
      store_(store),
      slider_(new QSlider(Qt::Horizontal, this)),
      strip_(new ThumbnailStrip(store, this)),
      play_(new QToolButton(this)),
      loop_action_(new QAction(tr("&Loop Playback"), this)),
      fps_(new QSpinBox(this)),
      label_(new QLabel(this)),
      playback_(new QTimer(this)) {
  slider_->setObjectName(QStringLiteral("timelineSlider"));
  slider_->setRange(0, 0);
  slider_->setEnabled(false);
  slider_->setFocusPolicy(Qt::NoFocus);  // the viewer's shortcuts own the arrow keys
  play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
  play_->setToolTip(tr("Play / pause the steps (Space)"));
  play_->setFocusPolicy(Qt::NoFocus);
  loop_action_->setCheckable(true);
  loop_action_->setChecked(true);
  loop_action_->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
  loop_action_->setToolTip(tr("Loop playback: start over after the final image"));
  auto* loop = new QToolButton(this);
  loop->setDefaultAction(loop_action_);
  loop->setFocusPolicy(Qt::NoFocus);
  fps_->setRange(1, 60);
  fps_->setValue(12);
  fps_->setSuffix(tr(" fps"));
  fps_->setToolTip(tr("Playback speed"));
  label_->setMinimumWidth(200);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label_->setToolTip(
      tr("Each frame is the image after one model call. Most samplers make one call per step; "
         "Heun makes two, so its runs have more frames than steps."));

  auto* layout = new QGridLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  layout->addWidget(strip_, 0, 0, 1, 4);
  layout->addWidget(slider_, 1, 0, 1, 4);
  layout->addWidget(play_, 2, 0);
  layout->addWidget(loop, 2, 1);
  layout->addWidget(fps_, 2, 2);
  layout->addWidget(label_, 2, 3);
  layout->setColumnStretch(3, 1);

  connect(slider_, &QSlider::valueChanged, this, [this](int frame) {
    strip_->setCurrent(frame);
    updateLabel();
    Q_EMIT currentFrameChanged(frame);
  });
  connect(strip_, &ThumbnailStrip::framePicked, this, &TimelineWidget::setCurrentFrame);
  connect(play_, &QToolButton::clicked, this, &TimelineWidget::togglePlay);
  connect(fps_, &QSpinBox::valueChanged, this,
          [this](int fps) { playback_->setInterval(1000 / fps); });
  playback_->setInterval(1000 / fps_->value());
  connect(playback_, &QTimer::timeout, this, &TimelineWidget::advancePlayback);
  updateLabel();
}

int TimelineWidget::currentFrame() const { return slider_->value(); }
int TimelineWidget::frameCount() const { return store_->count(); }
bool TimelineWidget::isPlaying() const { return playback_->isActive(); }
int TimelineWidget::fps() const { return fps_->value(); }
void TimelineWidget::setFps(int fps) { fps_->setValue(fps); }
void TimelineWidget::setThumbnailView(FrameView view) { strip_->setView(view); }
bool TimelineWidget::loops() const { return loop_action_->isChecked(); }
void TimelineWidget::setLoop(bool loop) { loop_action_->setChecked(loop); }

void TimelineWidget::syncWithStore() {
  const int count = store_->count();
  const bool new_run = count < synced_count_;
  const bool following = new_run || slider_->value() >= synced_count_ - 1;
  {
    // The caller shows the frame itself, once per throttled redraw, not per range change.
    QSignalBlocker block(slider_);
    slider_->setRange(0, std::max(0, count - 1));
    slider_->setEnabled(count > 1);
    if (following) {
      slider_->setValue(std::max(0, count - 1));
    }
  }
  synced_count_ = count;
  strip_->framesChanged();
  strip_->setCurrent(slider_->value());
  updateLabel();
}

void TimelineWidget::setCurrentFrame(int frame) {
  slider_->setValue(std::clamp(frame, 0, std::max(0, store_->count() - 1)));
}

void TimelineWidget::stepBy(int delta) { setCurrentFrame(slider_->value() + delta); }
void TimelineWidget::goToFirst() { setCurrentFrame(0); }
void TimelineWidget::goToLast() { setCurrentFrame(store_->count() - 1); }

void TimelineWidget::togglePlay() {
  if (playback_->isActive()) {
    playback_->stop();
  } else if (store_->count() > 1) {
    if (slider_->value() >= store_->count() - 1) {
      setCurrentFrame(0);
    }
    held_ticks_ = 0;
    playback_->start();
  }
  play_->setIcon(
      style()->standardIcon(playback_->isActive() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void TimelineWidget::advancePlayback() {
  if (slider_->value() < store_->count() - 1) {
    stepBy(1);
    return;
  }
  if (!loops()) {
    togglePlay();
    return;
  }
  if (++held_ticks_ * playback_->interval() >= kFinalHoldMs) {
    held_ticks_ = 0;
    setCurrentFrame(0);
  }
}

void TimelineWidget::updateLabel() {
  const auto frame = store_->frame(slider_->value());
  if (!frame) {
    label_->setText(tr("No steps yet"));
    return;
  }
  const double t = frame->timestep;
  const GenerationParams& params = store_->trajectory().params;
  QString text =
      tr("%1 · t = %2 · σ = %3")
          .arg(frame_position_text(frame->index, frame->total, steps_run(params)),
               QString::number(t, 'f', t == std::round(t) ? 0 : 1), sigmaText(frame->sigma));
  if (params.parent) {
    text += frame->index <= params.branch_step
                ? tr(" · the parent's step (branched at %1)").arg(params.branch_step)
                : tr(" · branched at step %1").arg(params.branch_step);
  }
  label_->setText(text);
}

}  // namespace emergence::ui
