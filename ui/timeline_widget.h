#pragma once

#include <QWidget>

#include "frame_images.h"

class QAction;
class QLabel;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

namespace emergence::ui {

class FrameStore;
class ThumbnailStrip;

// The run's frames as a slider over a strip of thumbnails. Follows a live run while it sits on the
// newest frame; scrubbing, arrow keys, Home/End and playback at a chosen fps pick any stored frame.
// Playback loops (holding the final image a moment) unless looping is switched off.
class TimelineWidget : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineWidget(const FrameStore* store, QWidget* parent = nullptr);

  int currentFrame() const;
  int frameCount() const;
  bool isPlaying() const;
  int fps() const;
  void setFps(int fps);
  void setThumbnailView(FrameView view);
  bool loops() const;
  void setLoop(bool loop);
  // The checkable "Loop Playback" action behind the loop button, for the Timeline menu.
  QAction* loopAction() const { return loop_action_; }
  // Brings the slider and thumbnails up to date with the store (new run or appended frames). A
  // timeline that showed the newest frame moves on to the new newest one.
  void syncWithStore();

 public Q_SLOTS:
  void setCurrentFrame(int frame);
  void stepBy(int delta);
  void goToFirst();
  void goToLast();
  void togglePlay();

 Q_SIGNALS:
  void currentFrameChanged(int frame);

 private:
  void updateLabel();
  void advancePlayback();

  const FrameStore* store_;
  QSlider* slider_;
  ThumbnailStrip* strip_;
  QToolButton* play_;
  QAction* loop_action_;
  QSpinBox* fps_;
  QLabel* label_;
  QTimer* playback_;
  int synced_count_ = 0;
  int held_ticks_ = 0;  // playback ticks spent on the final frame before looping
};

}  // namespace emergence::ui
