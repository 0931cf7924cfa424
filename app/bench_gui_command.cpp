#include "bench_gui_command.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QSpinBox>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "app/bench_gui_support.h"
#include "core/error.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/frame_store.h"
#include "ui/main_window.h"
#include "ui/run_progress.h"
#include "ui/timeline_widget.h"

namespace emergence::app {
namespace {

constexpr const char* kBenchGuiUsage =
    "usage: emergence bench gui [--model DIR] [--steps N] [--sampler NAME]\n"
    "  Opens the real main window (offscreen without a display), samples DIR (default: the\n"
    "  built-in model) for N steps\n"
    "  (default 100) while a 1 ms timer measures how late the GUI event loop runs, then\n"
    "  switches through every stored frame and times each switch plus the window's repaint.\n";

}  // namespace

int run_bench_gui_command(int argc, char** argv) {
  QString model;
  int steps = 100;
  QString sampler;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--model" || arg == "--steps" || arg == "--sampler") && i + 1 < argc) {
      const QString value = QString::fromLocal8Bit(argv[++i]);
      if (arg == "--model") {
        model = value;
      } else if (arg == "--steps") {
        steps = value.toInt();
      } else {
        sampler = value;
      }
    } else if (arg == "gui") {
      continue;
    } else {
      std::cout << kBenchGuiUsage;
      return arg == "--help" ? 0 : 2;
    }
  }
  model = bench_model_folder(model, "gui");
  use_offscreen_without_display();
  QApplication app(argc, argv);
  const std::unique_ptr<ui::MainWindow> opened = open_bench_window(model, "gui");
  ui::MainWindow& window = *opened;

  StallProbe probe(1);
  probe.start();
  wait_for(&window, &ui::MainWindow::runEnded, 1000);  // nothing runs: the idle baseline
  const Percentiles idle = percentiles(probe.stop());

  window.controls()->stepsBox()->setValue(steps);
  if (!sampler.isEmpty()) {
    window.controls()->samplerCombo()->setCurrentText(sampler);
  }
  QElapsedTimer run_clock;
  probe.start();
  run_clock.start();
  QTimer::singleShot(0, &window, &ui::MainWindow::generate);
  if (!wait_for(&window, &ui::MainWindow::runEnded, 3600000)) {
    throw Error("bench gui: the run did not finish");
  }
  const Percentiles running = percentiles(probe.stop());
  const double run_s = run_clock.elapsed() / 1000.0;

  std::vector<double> switch_ms;
  const int frames = window.frames().count();
  QElapsedTimer clock;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < frames; ++i) {
      // Alternate ends of the run so every switch changes the image.
      const int frame = (i % 2 == 0) ? i / 2 : frames - 1 - i / 2;
      clock.start();
      window.timeline()->setCurrentFrame(frame);
      // Runs the pending repaint of every widget the switch dirtied: canvas, timeline, spectrum.
      QCoreApplication::processEvents();
      switch_ms.push_back(clock.nsecsElapsed() / 1e6);
    }
  }
  std::printf("run: %d steps, %d frames in %.2f s (%.1f it/s), %.1f MiB of display frames\n", steps,
              frames, run_s, steps / run_s, window.frames().pixel_bytes() / (1024.0 * 1024.0));
  std::printf("canvas %dx%d px, scale x%.2f\n", window.canvas()->width(), window.canvas()->height(),
              window.canvas()->scale());
  print_percentiles("event-loop lateness, idle", idle);
  print_percentiles("event-loop lateness, sampling", running);
  print_percentiles("scrub frame switch + window repaint", percentiles(switch_ms));
  return 0;
}

}  // namespace emergence::app
