#include "run_progress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include "run_wording.h"

namespace emergence::ui {

RunProgress::RunProgress(QWidget* parent)
    : QWidget(parent), bar_(new QProgressBar(this)), label_(new QLabel(this)) {
  bar_->setMaximumWidth(220);
  bar_->setTextVisible(false);
  bar_->setRange(0, 1);
  bar_->setValue(0);
  label_->setMinimumWidth(260);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(label_);
  layout->addWidget(bar_);
}

void RunProgress::begin() {
  clock_.start();
  first_step_ms_ = -1;
  rate_ = 0.0;
  bar_->setRange(0, 0);  // busy until the first frame says how many steps there are
  label_->setText(tr("Starting…"));
}

void RunProgress::step(int index, int calls, int steps) {
  // The rate is measured from the first frame on, so model warm-up does not skew the ETA.
  if (first_step_ms_ < 0) {
    first_step_ms_ = clock_.elapsed();
    first_step_ = index;
  }
  const double seconds = (clock_.elapsed() - first_step_ms_) / 1000.0;
  if (index > first_step_ && seconds > 0) {
    rate_ = (index - first_step_) / seconds;
  }
  bar_->setRange(0, std::max(1, calls));
  bar_->setValue(index);
  QString text = frame_position_text(index, calls, steps);
  if (rate_ > 0) {
    text += tr(" · %1 it/s · ETA %2 s")
                .arg(rate_, 0, 'f', rate_ < 10 ? 1 : 0)
                .arg((calls - index) / rate_, 0, 'f', 1);
  }
  label_->setText(text);
}

void RunProgress::end(const QString& summary) {
  if (bar_->maximum() == 0) {
    bar_->setRange(0, 1);
  }
  label_->setText(summary);
}

QString RunProgress::text() const { return label_->text(); }

}  // namespace emergence::ui
