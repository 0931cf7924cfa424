// Emergence: with no arguments, the main window; with a subcommand, the headless front end.
// Hidden window options take screenshots for the docs: --screenshot-running FILE --after-steps N
// and --screenshot-scrubbed FILE --scrub-to K, with --model DIR (or a .safetensors checkpoint),
// --steps S, --view 1…5 and, for a prompt model, --prompt TEXT, --size PX and
// --preview-decoder TAESD_FILE.
#include <QApplication>
#include <QBuffer>
#include <QFileInfo>
#include <QIcon>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <iostream>
#include <opencv2/core/utils/logger.hpp>

#include "app/builtin_model.h"
#include "app/cli.h"
#include "app/nearest_command.h"
#include "core/atomic_file.h"
#include "core/cpu_threads.h"
#include "core/error.h"
#include "ui/controls_panel.h"
#include "ui/main_window.h"
#include "ui/nearest_search.h"
#include "ui/prompt_panel.h"
#include "ui/timeline_widget.h"

namespace {

struct ScreenshotPlan {
  QString running_file;
  int after_steps = 1;
  QString scrubbed_file;
  int scrub_to = 0;
  QString model;
  int steps = 0;
  int view = 0;
  QString prompt;
  QString preview_decoder;
  int size = 0;  // a prompt model's width and height
  bool wanted() const { return !running_file.isEmpty() || !scrubbed_file.isEmpty(); }
};

ScreenshotPlan parse_screenshot_plan(const QStringList& args) {
  ScreenshotPlan plan;
  for (int i = 1; i + 1 < args.size(); i += 2) {
    const QString& key = args[i];
    const QString& value = args[i + 1];
    if (key == QLatin1String("--screenshot-running")) {
      plan.running_file = value;
    } else if (key == QLatin1String("--after-steps")) {
      plan.after_steps = value.toInt();
    } else if (key == QLatin1String("--screenshot-scrubbed")) {
      plan.scrubbed_file = value;
    } else if (key == QLatin1String("--scrub-to")) {
      plan.scrub_to = value.toInt();
    } else if (key == QLatin1String("--model")) {
      plan.model = value;
    } else if (key == QLatin1String("--steps")) {
      plan.steps = value.toInt();
    } else if (key == QLatin1String("--view")) {
      plan.view = value.toInt();
    } else if (key == QLatin1String("--prompt")) {
      plan.prompt = value;
    } else if (key == QLatin1String("--preview-decoder")) {
      plan.preview_decoder = value;
    } else if (key == QLatin1String("--size")) {
      plan.size = value.toInt();
    }
  }
  return plan;
}

void save_grab(emergence::ui::MainWindow& window, const QString& file) {
  QBuffer encoded;
  encoded.open(QIODevice::WriteOnly);
  if (!window.grab().save(&encoded, QFileInfo(file).suffix().toLatin1().constData())) {
    std::cout << "could not save " << file.toStdString() << ": cannot encode that format\n";
    return;
  }
  try {
    emergence::write_file_atomically(file.toStdString(), encoded.data().toStdString());
    std::cout << "saved " << file.toStdString() << "\n";
  } catch (const emergence::Error& e) {
    std::cout << e.what() << "\n";
  }
}

// Drives the real window through one run and grabs it mid-run and after scrubbing.
void schedule_screenshots(emergence::ui::MainWindow& window, const ScreenshotPlan& plan) {
  using emergence::ui::MainWindow;
  auto started = std::make_shared<bool>(false);
  QObject::connect(&window, &MainWindow::modelReady, &window, [&window, plan, started] {
    const bool wanted_model =
        plan.model.isEmpty() || QFileInfo(window.modelFolder()) == QFileInfo(plan.model);
    if (*started || !wanted_model) {
      return;
    }
    *started = true;
    if (plan.steps > 0) {
      window.controls()->stepsBox()->setValue(plan.steps);
    }
    if (plan.view >= 1) {
      window.setView(emergence::ui::FrameView(plan.view - 1));
    }
    if (!plan.prompt.isEmpty()) {
      window.controls()->promptPanel()->promptBox()->setPlainText(plan.prompt);
    }
    if (plan.size > 0) {
      window.controls()->promptPanel()->widthBox()->setValue(plan.size);
      window.controls()->promptPanel()->heightBox()->setValue(plan.size);
    }
    if (!plan.preview_decoder.isEmpty()) {
      window.setPreviewDecoderFile(plan.preview_decoder);  // attached before the run starts
    }
    window.generate();
  });
  auto taken = std::make_shared<bool>(false);
  QObject::connect(&window, &MainWindow::frameShown, &window, [&window, plan, taken](int frame) {
    if (!plan.running_file.isEmpty() && !*taken && window.isRunning() &&
        frame >= plan.after_steps) {
      *taken = true;
      save_grab(window, plan.running_file);
    }
  });
  QObject::connect(&window, &MainWindow::runEnded, &window, [&window, plan] {
    if (!plan.scrubbed_file.isEmpty()) {
      window.timeline()->setCurrentFrame(plan.scrub_to);
      save_grab(window, plan.scrubbed_file);
    }
    QTimer::singleShot(0, qApp, &QApplication::quit);
  });
  QObject::connect(&window, &MainWindow::modelRejected, qApp, [](const QString& message) {
    std::cerr << "screenshot: " << message.toStdString() << "\n";
    QApplication::exit(1);
  });
}

}  // namespace

int main(int argc, char** argv) {
  emergence::restart_with_passive_openmp_wait(argv);
  // Our own messages name the file and the problem; OpenCV's "[ WARN:0@0.861] … imread_" lines
  // before them only confuse.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  const bool window_options =
      argc > 1 && QString::fromLocal8Bit(argv[1]).startsWith("--screenshot");
  emergence::use_threads(0);  // every physical core; each run may choose fewer (ThreadChooser)
  if (argc > 1 && !window_options) {
    return emergence::app::run_cli(argc, argv);
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Emergence"));
  QApplication::setApplicationName(QStringLiteral("Emergence"));
  QApplication::setApplicationVersion(QStringLiteral(EMERGENCE_VERSION));
  // The installed desktop file and icons carry this id; Wayland shells match windows by it.
  QGuiApplication::setDesktopFileName(QStringLiteral("io.github.emergence.Emergence"));
  QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.emergence.Emergence")));
  ScreenshotPlan plan = parse_screenshot_plan(QApplication::arguments());
  const QString builtin = QString::fromStdString(emergence::app::builtin_model_dir());
  if (!plan.model.isEmpty() && !builtin.isEmpty() && QFileInfo(plan.model) == QFileInfo(builtin)) {
    plan.model.clear();  // the window opens the built-in model itself, and only once
  }
  if (plan.wanted()) {
    // Screenshots start from default settings and leave the user's alone.
    QApplication::setApplicationName(QStringLiteral("EmergenceScreenshots"));
    QSettings().clear();
  }
  // The Nearest Training Images panel finds the emoji models' set through the app.
  emergence::ui::set_training_folder_finder(&emergence::app::emoji_training_folder);
  emergence::ui::MainWindow window(builtin);
  if (plan.wanted()) {
    window.resize(1360, 860);
    schedule_screenshots(window, plan);
    if (!plan.model.isEmpty()) {
      window.openModelFolder(plan.model);
    }
  }
  window.show();
  return QApplication::exec();
}
