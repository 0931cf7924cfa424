#include "training_process.h"

#include <unistd.h>

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <cstring>

namespace emergence::ui {
namespace {

constexpr int kStderrLines = 12;
constexpr int kNiceness = 10;  // below the GUI, above nothing else the user runs

}  // namespace

TrainingProcess::TrainingProcess(QObject* parent)
    : QObject(parent), program_(QCoreApplication::applicationFilePath()) {}

TrainingProcess::~TrainingProcess() {
  if (isRunning()) {
    // The window is going: leave the run resumable rather than kill it mid-step.
    disconnect(process_, nullptr, this, nullptr);
    send("pause");
    if (!process_->waitForFinished(60000)) {
      process_->kill();
      process_->waitForFinished(5000);
    }
  }
}

void TrainingProcess::start(const QStringList& arguments) {
  if (isRunning()) {
    return;
  }
  if (process_ != nullptr) {
    process_->deleteLater();
  }
  process_ = new QProcess(this);
  pending_.clear();
  stderr_tail_.clear();
  ended_ = false;
  error_.clear();
  end_event_ = QJsonObject();
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  // Idle OpenMP threads sleep instead of spinning on the cores the GUI needs.
  env.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("PASSIVE"));
  process_->setProcessEnvironment(env);
  process_->setChildProcessModifier([] { (void)::nice(kNiceness); });
  connect(process_, &QProcess::readyReadStandardOutput, this, &TrainingProcess::readOutput);
  connect(process_, &QProcess::readyReadStandardError, this, &TrainingProcess::readErrors);
  connect(process_, &QProcess::finished, this, &TrainingProcess::onFinished);
  connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart) {
      ended_ = true;
      Q_EMIT failed(tr("The training process could not start (%1): %2")
                        .arg(program_, process_->errorString()));
    }
  });
  process_->start(
      program_,
      QStringList{QStringLiteral("train"), QStringLiteral("--progress-json")} + arguments);
}

bool TrainingProcess::isRunning() const {
  return process_ != nullptr && process_->state() != QProcess::NotRunning;
}

void TrainingProcess::pause() { send("pause"); }

void TrainingProcess::stop() { send("stop"); }

void TrainingProcess::send(const char* line) {
  if (isRunning()) {
    process_->write(QByteArray(line) + '\n');
  }
}

void TrainingProcess::readOutput() {
  pending_ += process_->readAllStandardOutput();
  for (qsizetype end = pending_.indexOf('\n'); end >= 0; end = pending_.indexOf('\n')) {
    const QByteArray line = pending_.left(end).trimmed();
    pending_.remove(0, end + 1);
    if (!line.isEmpty()) {
      handleLine(line);
    }
  }
}

void TrainingProcess::readErrors() {
  const QString text = QString::fromLocal8Bit(process_->readAllStandardError());
  for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
    stderr_tail_.append(line);
  }
  while (stderr_tail_.size() > kStderrLines) {
    stderr_tail_.removeFirst();
  }
}

void TrainingProcess::handleLine(const QByteArray& line) {
  const QJsonObject event = QJsonDocument::fromJson(line).object();
  const QString kind = event.value(QStringLiteral("event")).toString();
  const int step = event.value(QStringLiteral("step")).toInt();
  if (kind == QLatin1String("step")) {
    Q_EMIT stepped(step, event.value(QStringLiteral("steps")).toInt(),
                   event.value(QStringLiteral("loss")).toDouble(),
                   event.value(QStringLiteral("it_s")).toDouble(),
                   event.value(QStringLiteral("eta_s")).toDouble());
  } else if (kind == QLatin1String("samples")) {
    Q_EMIT samplesWritten(step, event.value(QStringLiteral("path")).toString());
  } else if (kind == QLatin1String("checkpoint")) {
    Q_EMIT checkpointed(step);
  } else if (kind == QLatin1String("paused") || kind == QLatin1String("done")) {
    // Reported once the process has exited, so that a resume may start the next one at once.
    end_event_ = event;
  } else if (kind == QLatin1String("error")) {
    // Reported once the process has ended, with its exit code.
    error_ = event.value(QStringLiteral("message")).toString();
  }
}

void TrainingProcess::onFinished(int exit_code, QProcess::ExitStatus status) {
  readOutput();
  readErrors();
  if (ended_) {
    return;
  }
  ended_ = true;
  const QString end = end_event_.value(QStringLiteral("event")).toString();
  const int step = end_event_.value(QStringLiteral("step")).toInt();
  if (end == QLatin1String("paused")) {
    Q_EMIT paused(step);
  } else if (end == QLatin1String("done")) {
    Q_EMIT finished(end_event_.value(QStringLiteral("model")).toString(), step);
  } else if (!error_.isEmpty()) {
    Q_EMIT failed(error_);
  } else if (status == QProcess::CrashExit) {
    // On Unix a crashed QProcess's exit code is the signal that ended it.
    Q_EMIT failed(tr("The training process was killed by signal %1 (%2).")
                      .arg(exit_code)
                      .arg(QString::fromLocal8Bit(::strsignal(exit_code))));
  } else {
    Q_EMIT failed(
        tr("The training process ended with exit code %1 before finishing.%2")
            .arg(exit_code)
            .arg(stderr_tail_.isEmpty() ? QString() : QStringLiteral("\n") + stderr_tail_.last()));
  }
}

}  // namespace emergence::ui
