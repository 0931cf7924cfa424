#include "fan_out_dialog.h"

#include <QCloseEvent>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <cmath>

#include "core/atomic_file.h"
#include "core/display_image.h"
#include "core/generation.h"
#include "core/generation_params.h"
#include "core/media/fan_out.h"
#include "core/media/image_distance.h"
#include "core/model/unet_diffusion_model.h"
#include "core/training/image_grid.h"
#include "frame_images.h"

namespace emergence::ui {
namespace {

constexpr int kTileScale = 3;
constexpr int kGap = 4;

// The tiles row by row on the window's background, about square.
QImage grid_of(const std::vector<QImage>& tiles, int count) {
  if (tiles.empty()) {
    return {};
  }
  const int columns = square_grid_columns(count);
  const int rows = (count + columns - 1) / columns;
  const QSize tile = tiles.front().size() * kTileScale;
  QImage grid(columns * (tile.width() + kGap) + kGap, rows * (tile.height() + kGap) + kGap,
              QImage::Format_RGB32);
  grid.fill(QColor(128, 128, 128));
  QPainter painter(&grid);
  for (size_t i = 0; i < tiles.size(); ++i) {
    const int column = static_cast<int>(i) % columns;
    const int row = static_cast<int>(i) / columns;
    painter.drawImage(
        QRect(QPoint(kGap + column * (tile.width() + kGap), kGap + row * (tile.height() + kGap)),
              tile),
        tiles[i]);
  }
  return grid;
}

SpreadSeries series_of(const std::vector<SpectralBand>& bands,
                       const std::vector<SpreadPoint>& spread) {
  SpreadSeries series;
  for (const SpectralBand& band : bands) {
    series.band_names << QObject::tr("%1–%2 c/px")
                             .arg(band.low_frequency, 0, 'f', 3)
                             .arg(band.high_frequency, 0, 'f', 3);
  }
  for (const SpreadPoint& p : spread) {
    series.steps.push_back(p.step);
    series.sigmas.push_back(p.sigma);
    series.pixel_std.push_back(p.pixel_std);
    series.band_std.push_back(p.band_std);
  }
  return series;
}

}  // namespace

FanOutDialog::FanOutDialog(const QString& model_folder, const GenerationParams& parent_run,
                           int at_step, Kind kind, QWidget* parent)
    : QDialog(parent),
      model_folder_(model_folder),
      parent_run_(std::make_unique<GenerationParams>(parent_run)),
      at_step_(at_step),
      kind_(kind) {
  const bool variations = kind == Kind::Variations;
  setWindowTitle(variations ? tr("Variations of Seed %1").arg(parent_run.seed)
                            : tr("Fan Out from Step %1").arg(at_step));
  QSettings settings;
  branches_ = new QSpinBox(this);
  branches_->setRange(2, 64);
  branches_->setValue(settings.value("fanout/branches", 16).toInt());
  branches_->setToolTip(tr("Branches from step %1, each with fresh noise").arg(at_step));
  points_ = new QSpinBox(this);
  points_->setRange(1, 20);
  points_->setValue(settings.value("fanout/points", 5).toInt());
  points_->setToolTip(
      tr("Branch steps from %1 to the end at which the spread is measured").arg(at_step));
  strength_ = new QDoubleSpinBox(this);
  strength_->setRange(0.01, 1.0);
  strength_->setSingleStep(0.05);
  strength_->setValue(settings.value("variations/strength", 0.2).toDouble());
  strength_->setToolTip(
      tr("How far each variation's noise is from the run's: 0 the run itself, "
         "1 another seed (A1111's variation strength)"));
  run_ = new QPushButton(tr("&Run"), this);
  cancel_ = new QPushButton(tr("&Cancel"), this);
  save_ = new QPushButton(tr("&Save…"), this);
  save_->setToolTip(tr("The grid as PNG and the spread as CSV beside it"));
  progress_ = new QProgressBar(this);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  grid_ = new QLabel(this);
  grid_->setMinimumSize(200, 200);
  grid_->setAlignment(Qt::AlignCenter);
  plot_ = new SpreadPlot(this);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(variations ? tr("Variations:") : tr("Branches:"), this));
  controls->addWidget(branches_);
  if (variations) {
    controls->addWidget(new QLabel(tr("Strength:"), this));
    controls->addWidget(strength_);
    points_->hide();
    plot_->hide();
    save_->setToolTip(tr("The grid as PNG"));
  } else {
    controls->addWidget(new QLabel(tr("Spread points:"), this));
    controls->addWidget(points_);
    strength_->hide();
  }
  controls->addStretch();
  controls->addWidget(run_);
  controls->addWidget(cancel_);
  controls->addWidget(save_);
  auto* views = new QHBoxLayout;
  views->addWidget(grid_, 1);
  views->addWidget(plot_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addLayout(views, 1);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  connect(run_, &QPushButton::clicked, this, &FanOutDialog::start);
  connect(cancel_, &QPushButton::clicked, this, &FanOutDialog::cancel);
  connect(save_, &QPushButton::clicked, this, &FanOutDialog::save);
  cancel_->setEnabled(false);
  save_->setEnabled(false);
  resize(1000, 560);
}

FanOutDialog::~FanOutDialog() {
  if (thread_) {
    cancel_flag_->store(true);
    thread_->wait();
  }
}

void FanOutDialog::start() {
  if (thread_) {
    return;
  }
  if (kind_ == Kind::Variations) {
    startVariations();
    return;
  }
  QSettings settings;
  settings.setValue("fanout/branches", branches_->value());
  settings.setValue("fanout/points", points_->value());
  FanOutSettings fan;
  fan.at_step = at_step_;
  fan.branches = branches_->value();
  fan.spread_points = points_->value();
  fan.first_seed = parent_run_->seed + 1;
  tiles_.clear();
  csv_.clear();
  grid_->clear();
  plot_->setSeries({});
  failed_ = false;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  save_->setEnabled(false);
  progress_->setRange(0, 0);
  status_->setText(tr("Running the parent run to step %1…").arg(at_step_));

  const auto post = poster(this);
  const std::string folder = model_folder_.toStdString();
  const GenerationParams parent_params = *parent_run_;
  const std::shared_ptr<std::atomic<bool>> flag = cancel_flag_;
  thread_ = QThread::create([folder, parent_params, fan, flag, post] {
    class Relay : public FanOutObserver {
     public:
      Relay(decltype(post) post, int total) : post_(post), total_(total) {}
      void on_branch(int point, int, const GenerationParams&,
                     const torch::Tensor& latent) override {
        const QImage tile = qimage_from_image8(to_image8(latent[0], DisplayMapping::Image));
        const int done = ++done_;
        const int total = total_;
        post_(
            [point, tile, done, total](FanOutDialog& d) { d.showTile(point, tile, done, total); });
      }
      void on_spread(const SpreadPoint& point) override {
        spread_.push_back(point);
        const SpreadSeries series = series_of(bands_, spread_);
        const int done = done_;
        const int total = total_;
        post_([series, done, total](FanOutDialog& d) { d.showSpread(series, done, total); });
      }
      std::vector<SpectralBand> bands_;
      std::vector<SpreadPoint> spread_;

     private:
      decltype(post) post_;
      int total_;
      int done_ = 0;
    };
    try {
      const auto model = load_diffusion_model(folder);
      GenerationRequest request;
      request.params = parent_params;
      request.cancel = flag.get();
      validate_fan_out(model->info(), parent_params, fan);
      const int points = static_cast<int>(spread_steps(model->info(), parent_params, fan).size());
      Relay relay(post, points * fan.branches);
      relay.bands_ = distance_bands(model->info().height, model->info().width);
      const FanOutResult result = fan_out(*model, request, fan, &relay);
      if (!result.cancelled) {
        const QString csv = QString::fromStdString(spread_csv(result.bands, result.spread));
        post([csv](FanOutDialog& d) { d.csv_ = csv; });
      }
    } catch (const std::exception& e) {
      const QString message = QString::fromUtf8(e.what());
      post([message](FanOutDialog& d) { d.showFailure(message); });
    }
  });
  connect(thread_, &QThread::finished, this, &FanOutDialog::threadEnded, Qt::QueuedConnection);
  thread_->start();
}

void FanOutDialog::startVariations() {
  QSettings().setValue("variations/strength", strength_->value());
  const int count = branches_->value();
  const std::vector<GenerationParams> grid =
      variations_of(*parent_run_, count, parent_run_->seed + 1, strength_->value());
  tiles_.clear();
  grid_->clear();
  failed_ = false;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  save_->setEnabled(false);
  progress_->setRange(0, count);
  progress_->setValue(0);
  status_->setText(tr("Variation seeds %1 … %2 at strength %3")
                       .arg(grid.front().variation_seed)
                       .arg(grid.back().variation_seed)
                       .arg(strength_->value()));
  const auto post = poster(this);
  const std::string folder = model_folder_.toStdString();
  const std::shared_ptr<std::atomic<bool>> flag = cancel_flag_;
  thread_ = QThread::create([folder, grid, flag, post] {
    try {
      const auto model = load_diffusion_model(folder);
      for (const GenerationParams& p : grid) {
        validate_generation(model->info(), p);
      }
      for (size_t i = 0; i < grid.size(); ++i) {
        GenerationRequest request;
        request.params = grid[i];
        request.cancel = flag.get();
        const SamplingResult run = generate(*model, request);
        if (run.outcome == SamplingOutcome::Cancelled) {
          return;
        }
        const QImage tile = qimage_from_image8(to_image8(run.latent[0], DisplayMapping::Image));
        const int done = static_cast<int>(i) + 1;
        const int total = static_cast<int>(grid.size());
        post([tile, done, total](FanOutDialog& d) { d.showTile(0, tile, done, total); });
      }
    } catch (const std::exception& e) {
      const QString message = QString::fromUtf8(e.what());
      post([message](FanOutDialog& d) { d.showFailure(message); });
    }
  });
  connect(thread_, &QThread::finished, this, &FanOutDialog::threadEnded, Qt::QueuedConnection);
  thread_->start();
}

void FanOutDialog::cancel() {
  if (cancel_flag_) {
    cancel_flag_->store(true);
  }
  cancel_->setEnabled(false);
  status_->setText(tr("Stopping after the current model call…"));
}

void FanOutDialog::showTile(int point, const QImage& tile, int done, int total) {
  progress_->setRange(0, total);
  progress_->setValue(done);
  if (point != 0) {
    return;  // the grid shows the branches from the chosen step; later ones only feed the plot
  }
  tiles_.push_back(tile);
  grid_image_ = grid_of(tiles_, branches_->value());
  grid_->setPixmap(QPixmap::fromImage(grid_image_));
  status_->setText(kind_ == Kind::Variations
                       ? tr("Variation %1 of %2 done").arg(tiles_.size()).arg(branches_->value())
                       : tr("Branch %1 of %2 from step %3 done")
                             .arg(tiles_.size())
                             .arg(branches_->value())
                             .arg(at_step_));
}

void FanOutDialog::showSpread(const SpreadSeries& series, int done, int total) {
  plot_->setSeries(series);
  progress_->setRange(0, total);
  progress_->setValue(done);
  status_->setText(plot_->readOut(plot_->width()).section('\n', 0, 0));
}

void FanOutDialog::showFailure(const QString& message) {
  failed_ = true;
  status_->setText(tr("The fan-out stopped: %1").arg(message));
}

void FanOutDialog::threadEnded() {
  thread_->deleteLater();
  thread_ = nullptr;
  const bool stopped = failed_ || cancel_flag_->load();
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  save_->setEnabled(!grid_image_.isNull() && (kind_ == Kind::Variations || !csv_.isEmpty()));
  progress_->setRange(0, 1);
  progress_->setValue(stopped ? 0 : 1);
  if (!stopped && kind_ == Kind::Variations) {
    status_->setText(tr("%1 variations of seed %2 at strength %3, variation seeds %4 on: "
                        "emergence variations prints each one's parameters")
                         .arg(tiles_.size())
                         .arg(parent_run_->seed)
                         .arg(strength_->value())
                         .arg(parent_run_->seed + 1));
  } else if (!stopped) {
    const SpreadSeries& s = plot_->series();
    if (!s.steps.empty()) {
      status_->setText(tr("Branched at step %1 the final images still differ by %2; at step %3 by "
                          "%4: the run had settled on its mode.")
                           .arg(s.steps.front())
                           .arg(s.pixel_std.front(), 0, 'f', 4)
                           .arg(s.steps.back())
                           .arg(s.pixel_std.back(), 0, 'f', 4));
    }
  } else if (!failed_) {
    status_->setText(tr("Stopped."));
  }
  Q_EMIT fanOutEnded(stopped);
}

void FanOutDialog::save() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Save the fan-out grid (the spread CSV goes beside it)"),
      QStringLiteral("fanout-step%1.png").arg(at_step_), tr("PNG images (*.png)"));
  if (path.isEmpty()) {
    return;
  }
  QString csv_path = path;
  csv_path.replace(
      QRegularExpression(QStringLiteral("\\.png$"), QRegularExpression::CaseInsensitiveOption),
      QString());
  csv_path += QStringLiteral("-spread.csv");
  try {
    QSaveFile file(path);  // the old file stays whole until the new one is complete
    if (!file.open(QIODevice::WriteOnly) || !grid_image_.save(&file, "PNG") || !file.commit()) {
      throw std::runtime_error(
          tr("cannot write %1: %2").arg(path, file.errorString()).toStdString());
    }
    if (csv_.isEmpty()) {
      status_->setText(tr("Saved %1").arg(path));
      return;
    }
    write_file_atomically(csv_path.toStdString(), csv_.toStdString());
    status_->setText(tr("Saved %1 and %2").arg(path, csv_path));
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Could not save"), QString::fromUtf8(e.what()));
  }
}

void FanOutDialog::closeEvent(QCloseEvent* event) {
  if (thread_) {
    cancel();
  }
  event->accept();
}

}  // namespace emergence::ui
