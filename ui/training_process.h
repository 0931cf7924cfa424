#pragma once

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace emergence::ui {

// The training worker: `emergence train --progress-json …` in a process of its own (the same
// binary by default), at a lower priority and with sleeping OpenMP threads so that the window
// stays responsive. Its JSON lines (app/train_progress_json.h) become signals; nothing here ever
// blocks the GUI thread, except the destructor, which pauses a run still going (so that it can
// be resumed) and waits for its checkpoint.
class TrainingProcess : public QObject {
  Q_OBJECT

 public:
  explicit TrainingProcess(QObject* parent = nullptr);
  ~TrainingProcess() override;

  // The executable that runs `train`; default QCoreApplication::applicationFilePath().
  void setProgram(const QString& program) { program_ = program; }
  QString program() const { return program_; }

  // `arguments` follow "train --progress-json".
  void start(const QStringList& arguments);
  bool isRunning() const;
  // "pause": checkpoint at the current step and end; "stop": checkpoint, write the model, end.
  void pause();
  void stop();
  // The last lines the worker wrote to stderr (its log and errors).
  QString errorTail() const { return stderr_tail_.join(QLatin1Char('\n')); }

 Q_SIGNALS:
  void stepped(int step, int steps, double loss, double steps_per_second, double eta_seconds);
  void samplesWritten(int step, const QString& png);
  void checkpointed(int step);
  // The run ended: paused at `step`, finished (model folder written), or failed with a message
  // (its own error, or how the process died: exit code, signal, could not start).
  void paused(int step);
  void finished(const QString& model_dir, int step);
  void failed(const QString& message);

 private:
  void readOutput();
  void readErrors();
  void handleLine(const QByteArray& line);
  void onFinished(int exit_code, QProcess::ExitStatus status);
  void send(const char* line);

  QString program_;
  QProcess* process_ = nullptr;
  QByteArray pending_;  // stdout bytes after the last newline
  QStringList stderr_tail_;
  bool ended_ = false;     // paused, finished or failed was emitted
  QJsonObject end_event_;  // the paused or done event, emitted once the process has exited
  QString error_;
};

}  // namespace emergence::ui
