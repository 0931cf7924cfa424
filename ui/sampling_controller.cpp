#include "sampling_controller.h"

#include <QMetaObject>

#include "core/generation_params.h"

namespace emergence::ui {

SamplingController::SamplingController(QObject* parent)
    : QObject(parent), worker_(new SamplingWorker) {
  qRegisterMetaType<FramePtr>("emergence::ui::FramePtr");
  qRegisterMetaType<ModelInfoPtr>("emergence::ui::ModelInfoPtr");
  thread_.setObjectName(QStringLiteral("sampling"));
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);

  connect(worker_, &SamplingWorker::modelLoaded, this, [this](ModelInfoPtr info, qint64 ms) {
    --pending_loads_;
    Q_EMIT modelLoaded(std::move(info), ms);
  });
  connect(worker_, &SamplingWorker::modelFailed, this,
          [this](const QString& folder, const QString& message) {
            --pending_loads_;
            Q_EMIT modelFailed(folder, message);
          });
  connect(worker_, &SamplingWorker::previewDecoderChanged, this,
          &SamplingController::previewDecoderChanged);
  connect(worker_, &SamplingWorker::previewDecoderFailed, this,
          &SamplingController::previewDecoderFailed);
  connect(worker_, &SamplingWorker::stepDecoded, this,
          [this](quint64 run, int frame, const QImage& image, const QString& decoder) {
            if (run == current_run_) {
              Q_EMIT stepDecoded(frame, image, decoder);
            }
          });
  connect(worker_, &SamplingWorker::decodeFailed, this,
          [this](quint64 run, int frame, const QString& message) {
            if (run == current_run_) {
              Q_EMIT decodeFailed(frame, message);
            }
          });
  connect(worker_, &SamplingWorker::runNotice, this, [this](quint64 run, const QString& message) {
    if (run == current_run_) {
      Q_EMIT runNotice(message);
    }
  });
  connect(worker_, &SamplingWorker::frameReady, this, [this](quint64 run, FramePtr frame) {
    if (run == current_run_) {
      Q_EMIT frameArrived(std::move(frame));
    }
  });
  connect(worker_, &SamplingWorker::runFinished, this, [this](quint64 run, bool cancelled) {
    if (run == current_run_) {
      running_ = false;
      Q_EMIT runFinished(cancelled);
    }
  });
  connect(worker_, &SamplingWorker::runFailed, this, [this](quint64 run, const QString& message) {
    if (run == current_run_) {
      running_ = false;
      Q_EMIT runFailed(message);
    }
  });
  thread_.start();
}

SamplingController::~SamplingController() {
  if (current_cancel_) {
    current_cancel_->store(true);
  }
  thread_.requestInterruption();
  thread_.quit();
  thread_.wait();
}

void SamplingController::setAnalysisFactory(AnalysisFactory factory) {
  worker_->setAnalysisFactory(std::move(factory));
}

void SamplingController::loadModel(const QString& path, const QString& device,
                                   const QString& prediction) {
  ++pending_loads_;
  QMetaObject::invokeMethod(
      worker_,
      [worker = worker_, path, device, prediction] { worker->loadModel(path, device, prediction); },
      Qt::QueuedConnection);
}

void SamplingController::setPreviewDecoder(const QString& path) {
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, path] { worker->setPreviewDecoder(path); }, Qt::QueuedConnection);
}

void SamplingController::decodeStep(int frame) {
  QMetaObject::invokeMethod(
      worker_, [worker = worker_, run = current_run_, frame] { worker->decodeStep(run, frame); },
      Qt::QueuedConnection);
}

void SamplingController::start(const GenerationParams& params, const QImage& start_picture) {
  if (current_cancel_) {
    current_cancel_->store(true);
  }
  current_cancel_ = std::make_shared<std::atomic<bool>>(false);
  const quint64 run = ++current_run_;
  running_ = true;
  QMetaObject::invokeMethod(
      worker_,
      [worker = worker_, run, params, start_picture, cancel = current_cancel_] {
        worker->run(run, params, start_picture, cancel);
      },
      Qt::QueuedConnection);
}

void SamplingController::stop() {
  if (current_cancel_) {
    current_cancel_->store(true);
  }
}

}  // namespace emergence::ui
