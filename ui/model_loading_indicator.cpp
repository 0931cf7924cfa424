#include "model_loading_indicator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>

namespace emergence::ui {

ModelLoadingIndicator::ModelLoadingIndicator(QWidget* parent)
    : QWidget(parent),
      bar_(new QProgressBar(this)),
      label_(new QLabel(this)),
      timer_(new QTimer(this)) {
  setObjectName(QStringLiteral("modelLoading"));
  bar_->setRange(0, 0);  // busy: loading has no measurable progress
  bar_->setTextVisible(false);
  bar_->setMaximumWidth(48);
  label_->setWordWrap(true);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(bar_);
  layout->addWidget(label_, 1);
  timer_->setInterval(1000);
  connect(timer_, &QTimer::timeout, this, &ModelLoadingIndicator::tick);
  hide();
}

void ModelLoadingIndicator::start(const QString& name) {
  name_ = name;
  if (!active_) {
    clock_.start();
    timer_->start();
    active_ = true;
  }
  tick();
  show();
}

void ModelLoadingIndicator::stop() {
  active_ = false;
  timer_->stop();
  hide();
}

QString ModelLoadingIndicator::text() const { return label_->text(); }

void ModelLoadingIndicator::tick() {
  label_->setText(tr("Loading %1… %2 s").arg(name_).arg(clock_.elapsed() / 1000));
}

}  // namespace emergence::ui
