#include "bench_train_gui_command.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "app/bench_gui_support.h"
#include "core/error.h"
#include "ui/train_run_page.h"
#include "ui/train_sample_grid.h"
#include "ui/train_setup_page.h"
#include "ui/train_window.h"

namespace emergence::app {
namespace {

constexpr const char* kBenchTrainGuiUsage =
    "usage: emergence bench train-gui [--data DIR] [--seconds S] [--screenshot FILE.png]\n"
    "  Opens the training window (offscreen without a display) on DIR (default: 64 synthetic\n"
    "  32 px images in 4 class folders), starts the Quick preset in the worker process and,\n"
    "  for S seconds (default 30), measures how late a 4 ms timer on the GUI thread fires.\n"
    "  --screenshot saves the window at the end of the measurement, mid-run.\n";

constexpr int kProbeMs = 4;

// Four classes of coloured shapes, 16 images each.
void write_synthetic_folder(const QString& root) {
  const QList<QColor> colours = {QColor(220, 50, 50), QColor(50, 90, 220), QColor(40, 170, 70),
                                 QColor(230, 170, 30)};
  for (int c = 0; c < colours.size(); ++c) {
    const QString folder = QStringLiteral("%1/shape-%2").arg(root).arg(c);
    QDir().mkpath(folder);
    for (int i = 0; i < 16; ++i) {
      QImage image(32, 32, QImage::Format_RGB32);
      image.fill(Qt::white);
      QPainter painter(&image);
      painter.setRenderHint(QPainter::Antialiasing);
      painter.setPen(Qt::NoPen);
      painter.setBrush(colours[c]);
      const int r = 6 + i % 8;
      if (c % 2 == 0) {
        painter.drawEllipse(QPointF(16, 16), r, r);
      } else {
        painter.drawRect(16 - r, 16 - r, 2 * r, 2 * r);
      }
      painter.end();
      image.save(QStringLiteral("%1/%2.png").arg(folder).arg(i));
    }
  }
}

}  // namespace

int run_bench_train_gui_command(int argc, char** argv) {
  QString data;
  QString screenshot;
  int seconds = 30;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--data" || arg == "--seconds" || arg == "--screenshot") && i + 1 < argc) {
      const QString value = QString::fromLocal8Bit(argv[++i]);
      if (arg == "--data") {
        data = value;
      } else if (arg == "--seconds") {
        seconds = std::max(1, value.toInt());
      } else {
        screenshot = value;
      }
    } else {
      std::cout << kBenchTrainGuiUsage;
      return arg == "--help" ? 0 : 2;
    }
  }
  use_offscreen_without_display();
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Emergence"));
  QApplication::setApplicationName(QStringLiteral("EmergenceBench"));
  QSettings().clear();
  const QTemporaryDir temp;
  if (data.isEmpty()) {
    data = temp.filePath(QStringLiteral("shapes"));
    write_synthetic_folder(data);
  }

  ui::TrainWindow window;
  window.resize(1120, 700);
  window.show();
  ui::TrainSetupPage* setup = window.setupPage();
  setup->setFolder(data);
  if (!wait_for(setup, &ui::TrainSetupPage::dataScanned, 300000) || !setup->dataReady()) {
    throw Error("bench train-gui: " + data.toStdString() + " holds no images to train on");
  }
  // The step timing of the presets runs on a thread of the window's: let it end first.
  QElapsedTimer waited;
  waited.start();
  while (setup->estimateLabel()->text().contains(QStringLiteral("measuring")) &&
         waited.elapsed() < 300000) {
    // Sleeps in the event loop: a processEvents() spin would take a core from the timing.
    wait_for(&app, &QApplication::aboutToQuit, 50);
  }
  setup->setPreset(0);  // Quick
  std::printf("estimate for Quick: %s\n", qPrintable(setup->estimateLabel()->text()));
  setup->samplesEveryBox()->setValue(25);
  setup->outputEdit()->setText(temp.filePath(QStringLiteral("model")));

  StallProbe probe(kProbeMs);
  probe.start();
  wait_for(&app, &QApplication::aboutToQuit, 2000);  // nothing runs: the idle baseline
  const Percentiles idle = percentiles(probe.stop());

  if (!screenshot.isEmpty()) {
    QString setup_shot = screenshot;
    setup_shot.replace(QStringLiteral(".png"), QStringLiteral("-setup.png"));
    window.grab().save(setup_shot);
  }
  ui::TrainRunPage* run = window.runPage();
  setup->startButton()->click();
  // Measure from the first step on: loading the images and the model is not training.
  QElapsedTimer clock;
  clock.start();
  while (run->lastStep() == 0 && run->state() == ui::TrainRunPage::State::Running &&
         clock.elapsed() < 300000) {
    wait_for(&app, &QApplication::aboutToQuit, 20);
  }
  const int first = run->lastStep();
  probe.start();
  clock.start();
  wait_for(&app, &QApplication::aboutToQuit, seconds * 1000);
  const Percentiles training = percentiles(probe.stop());
  const double elapsed = clock.elapsed() / 1000.0;
  if (run->state() != ui::TrainRunPage::State::Running) {
    throw Error("bench train-gui: training ended early: " + run->messageText().toStdString());
  }
  if (!screenshot.isEmpty()) {
    window.grab().save(screenshot);
    std::printf("wrote %s\n", qPrintable(screenshot));
  }
  std::printf("trained steps %d → %d in %.1f s (%.2f it/s), sample grid at step %d\n", first,
              run->lastStep(), elapsed, (run->lastStep() - first) / elapsed,
              run->sampleGrid()->step());
  print_percentiles("event-loop lateness (4 ms), idle", idle);
  print_percentiles("event-loop lateness (4 ms), training", training);
  run->pause();
  wait_for(run, &ui::TrainRunPage::stateChanged, 60000);  // paused: the worker has exited
  return 0;
}

}  // namespace emergence::app
