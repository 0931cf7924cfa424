#include "bench_live_command.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QSpinBox>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "app/bench_gui_support.h"
#include "core/cpu_threads.h"
#include "core/error.h"
#include "core/image_guide.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/main_window.h"
#include "ui/sketch_session.h"
#include "ui/sketch_toolbar.h"

namespace emergence::app {
namespace {

constexpr const char* kBenchLiveUsage =
    "usage: emergence bench live [--model DIR] [--steps N] [--strength S] [--strokes K]\n"
    "                           [--threads T]\n"
    "  Live mode in the real window (offscreen without a display): K strokes (default 40) on a\n"
    "  sketch, each timed from the mouse release to the new result painted on the canvas, with\n"
    "  N steps (default 20) at strength S (default 0.6) on DIR (default: the built-in model),\n"
    "  on T threads (default: chosen per run, as the app does).\n";

void send_mouse(QWidget* widget, QEvent::Type type, QPoint at) {
  QMouseEvent event(type, QPointF(at), QPointF(widget->mapToGlobal(at)), Qt::LeftButton,
                    type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton,
                    Qt::NoModifier);
  QCoreApplication::sendEvent(widget, &event);
}

// The widget position of a pixel of the sketch (the canvas's first image).
QPoint at_pixel(ui::CanvasView* canvas, int x, int y) { return canvas->pixelCentre(0, {x, y}); }

}  // namespace

int run_bench_live_command(int argc, char** argv) {
  QString model;
  int steps = 20;
  double strength = 0.6;
  int strokes = 40;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--model" && has_value) {
      model = QString::fromLocal8Bit(argv[++i]);
    } else if (arg == "--steps" && has_value) {
      steps = std::stoi(argv[++i]);
    } else if (arg == "--strength" && has_value) {
      strength = std::stod(argv[++i]);
    } else if (arg == "--strokes" && has_value) {
      strokes = std::stoi(argv[++i]);
    } else if (arg == "--threads" && has_value) {
      use_threads(std::stoi(argv[++i]));
    } else {
      std::cout << kBenchLiveUsage;
      return arg == "--help" ? 0 : 2;
    }
  }
  if (steps < 1 || strokes < 1 || !(strength > 0 && strength <= 1)) {
    throw Error("bench live: --steps and --strokes must be positive and --strength in (0, 1]");
  }
  model = bench_model_folder(model, "live");
  use_offscreen_without_display();
  QApplication app(argc, argv);
  const std::unique_ptr<ui::MainWindow> opened = open_bench_window(model, "live");
  ui::MainWindow& window = *opened;
  window.controls()->stepsBox()->setValue(steps);
  ui::SketchSession* sketch = window.sketch();
  ui::SketchToolBar* tools = sketch->toolBar();
  tools->newSketchAction()->trigger();
  tools->setStrength(strength);
  tools->setTool(ui::SketchToolBar::Tool::Brush);
  tools->setLive(true);  // a first result, which also warms the model up
  if (!wait_for(&window, &ui::MainWindow::runEnded, 120000)) {
    throw Error("bench live: the first live run did not finish");
  }

  ui::CanvasView* canvas = window.canvas();
  const QSize size = canvas->images().front().size();
  std::vector<double> shown_ms;
  QElapsedTimer clock;
  for (int k = 0; k < strokes; ++k) {
    // Short strokes across the sketch in changing colours, so every result differs.
    tools->setColor(QColor::fromHsv((k * 47) % 360, 200, 220));
    const int y = (k * 5) % size.height();
    send_mouse(canvas, QEvent::MouseButtonPress, at_pixel(canvas, k % size.width(), y));
    send_mouse(canvas, QEvent::MouseMove, at_pixel(canvas, (k + 6) % size.width(), y));
    clock.start();
    send_mouse(canvas, QEvent::MouseButtonRelease, at_pixel(canvas, (k + 6) % size.width(), y));
    if (!wait_for(&window, &ui::MainWindow::runEnded, 120000)) {
      throw Error("bench live: a live run did not finish");
    }
    canvas->repaint();  // the result on screen, not only queued for painting
    shown_ms.push_back(clock.nsecsElapsed() / 1e6);
  }
  std::printf("live: %d steps at strength %.2f (%d model calls per result), canvas scale x%.1f\n",
              steps, strength, steps_to_run(steps, strength), canvas->scale());
  print_percentiles("stroke end -> result painted", percentiles(shown_ms));
  std::vector<double> reported(sketch->liveLatencies().begin() + 1, sketch->liveLatencies().end());
  print_percentiles("the same, as the toolbar shows it", percentiles(reported));
  return 0;
}

}  // namespace emergence::app
