#include "timeline_widget.h"

#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <algorithm>

#include "core/trajectory.h"
#include "frame_store.h"
#include "thumbnail_strip.h"

namespace emergence::ui {

TimelineWidget::TimelineWidget(const FrameStore* store, QWidget* parent)
    : QWidget(parent),
      store_(store),
      slider_(new QSlider(Qt::Horizontal, this)),
      strip_(new ThumbnailStrip(store, this)),
      play_(new QToolButton(this)),
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
  fps_->setRange(1, 60);
  fps_->setValue(12);
  fps_->setSuffix(tr(" fps"));
  fps_->setToolTip(tr("Playback speed"));
  label_->setMinimumWidth(260);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* layout = new QGridLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  layout->addWidget(strip_, 0, 0, 1, 4);
  layout->addWidget(slider_, 1, 0, 1, 4);
  layout->addWidget(play_, 2, 0);
  layout->addWidget(fps_, 2, 1);
  layout->addWidget(label_, 2, 2);
  layout->setColumnStretch(2, 1);

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
    playback_->start();
  }
  play_->setIcon(
      style()->standardIcon(playback_->isActive() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void TimelineWidget::advancePlayback() {
  if (slider_->value() >= store_->count() - 1) {
    togglePlay();
    return;
  }
  stepBy(1);
}

void TimelineWidget::updateLabel() {
  const auto frame = store_->frame(slider_->value());
  if (!frame) {
    label_->setText(tr("No steps yet"));
    return;
  }
  label_->setText(tr("Step %1 / %2   t = %3   σ = %4")
                      .arg(frame->index)
                      .arg(frame->total)
                      .arg(frame->timestep, 0, 'f', 1)
                      .arg(frame->sigma, 0, 'g', 4));
}

}  // namespace emergence::ui
