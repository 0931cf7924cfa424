#include "bench_gui_support.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSettings>
#include <algorithm>
#include <cstdio>

#include "app/builtin_model.h"
#include "core/error.h"
#include "ui/main_window.h"

namespace emergence::app {

StallProbe::StallProbe(int interval_ms) : interval_ms_(interval_ms) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(interval_ms_);
  QObject::connect(&timer_, &QTimer::timeout, [this] {
    const qint64 now = clock_.nsecsElapsed();
    if (last_ >= 0) {
      late_ms_.push_back(std::max(0.0, (now - last_) / 1e6 - interval_ms_));
    }
    last_ = now;
  });
}

void StallProbe::start() {
  late_ms_.clear();
  last_ = -1;
  clock_.start();
  timer_.start();
}

std::vector<double> StallProbe::stop() {
  timer_.stop();
  return late_ms_;
}

Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.count = v.size();
  if (v.empty()) {
    return p;
  }
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) { return v[std::min(v.size() - 1, size_t(q * double(v.size())))]; };
  p.p50 = at(0.50);
  p.p95 = at(0.95);
  p.p99 = at(0.99);
  p.max = v.back();
  return p;
}

void print_percentiles(const char* name, const Percentiles& p) {
  std::printf("%-34s p50 %7.3f ms   p95 %7.3f ms   p99 %7.3f ms   max %7.3f ms   (n = %zu)\n", name,
              p.p50, p.p95, p.p99, p.max, p.count);
}

QString bench_model_folder(const QString& given, const char* bench) {
  const QString model = given.isEmpty() ? QString::fromStdString(builtin_model_dir()) : given;
  if (model.isEmpty() || !QFileInfo(model).isDir()) {
    throw Error(std::string("bench ") + bench +
                ": no built-in model; give --model DIR, an existing model folder (got '" +
                model.toStdString() + "')");
  }
  return model;
}

void use_offscreen_without_display() {
  if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
}

std::unique_ptr<ui::MainWindow> open_bench_window(const QString& folder, const char* bench) {
  QApplication::setOrganizationName(QStringLiteral("Emergence"));
  QApplication::setApplicationName(QStringLiteral("EmergenceBench"));
  QSettings().clear();
  auto window = std::make_unique<ui::MainWindow>(QString());
  window->resize(1280, 820);
  window->show();
  QElapsedTimer clock;
  clock.start();
  window->openModelFolder(folder);
  if (!wait_for(window.get(), &ui::MainWindow::modelReady, 300000)) {
    throw Error(std::string("bench ") + bench + ": the model in " + folder.toStdString() +
                " did not load");
  }
  std::printf("model %s loaded in %lld ms (worker thread)\n", qPrintable(folder),
              static_cast<long long>(clock.elapsed()));
  return window;
}

}  // namespace emergence::app
