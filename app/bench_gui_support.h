#pragma once

#include <QElapsedTimer>
#include <QEventLoop>
#include <QObject>
#include <QString>
#include <QTimer>
#include <cstddef>
#include <memory>
#include <vector>

namespace emergence::ui {
class MainWindow;
}

namespace emergence::app {

// How late a precise timer of interval_ms fires on the GUI thread: each tick's delay past its
// interval is time the event loop was stalled.
class StallProbe {
 public:
  explicit StallProbe(int interval_ms);
  void start();
  std::vector<double> stop();  // lateness of every tick, milliseconds

 private:
  int interval_ms_;
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = -1;
  std::vector<double> late_ms_;
};

// Order statistics of a set of timings in milliseconds.
struct Percentiles {
  double p50 = 0, p95 = 0, p99 = 0, max = 0;
  size_t count = 0;
};
Percentiles percentiles(std::vector<double> values);
void print_percentiles(const char* name, const Percentiles& p);

// The model folder a GUI benchmark opens: `given`, or the built-in model. Errors name `bench`.
QString bench_model_folder(const QString& given, const char* bench);
// Without a display the window is drawn offscreen; call before the QApplication exists.
void use_offscreen_without_display();
// The real main window for a GUI benchmark, once its QApplication exists: fresh settings of its
// own ("EmergenceBench"), 1280×820, shown, with the model in `folder` loaded (the load time is
// printed); errors if it does not load.
std::unique_ptr<ui::MainWindow> open_bench_window(const QString& folder, const char* bench);

// Runs the event loop until `sender` emits `signal` or the timeout passes; true on the signal.
template <typename Sender, typename Signal>
bool wait_for(Sender* sender, Signal signal, int timeout_ms) {
  QEventLoop loop;
  bool fired = false;
  QObject::connect(sender, signal, &loop, [&] {
    fired = true;
    loop.quit();
  });
  QTimer::singleShot(timeout_ms, &loop, &QEventLoop::quit);
  loop.exec();
  return fired;
}

}  // namespace emergence::app
