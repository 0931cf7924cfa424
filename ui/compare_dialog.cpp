#include "compare_dialog.h"

#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>

#include "core/error.h"
#include "core/generation_params.h"
#include "core/media/export/comparison_figures.h"
#include "core/media/export/frame_renderer.h"
#include "core/media/image_file.h"
#include "core/media/step_comparison.h"
#include "core/model/unet_diffusion_model.h"
#include "core/sampler.h"

namespace emergence::ui {
namespace {

constexpr int kGridScale = 3;
constexpr double kCloseEnough = 0.01;  // RMSE the summary counts calls to

QImage to_qimage(const cv::Mat& rgb) {
  return QImage(rgb.data, rgb.cols, rgb.rows, static_cast<int>(rgb.step), QImage::Format_RGB888)
      .copy();
}

QScrollArea* scrolled(QLabel* label) {
  auto* area = new QScrollArea;
  label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  area->setWidget(label);
  area->setWidgetResizable(true);
  return area;
}

QString summary_of(const ComparisonPlan& plan, const ComparisonResult& result) {
  QStringList lines;
  for (const std::string& sampler : plan.samplers) {
    const int calls = fewest_calls_within(result, sampler, kCloseEnough);
    lines << (calls < 0 ? QObject::tr("%1: not within RMSE %2 of the reference")
                              .arg(QString::fromStdString(sampler))
                              .arg(kCloseEnough)
                        : QObject::tr("%1: within RMSE %2 from %3 model calls")
                              .arg(QString::fromStdString(sampler))
                              .arg(kCloseEnough)
                              .arg(calls));
  }
  return lines.join(QStringLiteral("\n"));
}

}  // namespace

CompareDialog::CompareDialog(const QString& model_folder, const GenerationParams& base,
                             QWidget* parent)
    : QDialog(parent), model_folder_(model_folder), base_(new GenerationParams(base)) {
  setWindowTitle(tr("Compare Samplers and Steps"));
  QSettings settings;
  samplers_ = new QListWidget;
  const QStringList chosen =
      settings.value("compare/samplers", QStringList{"ddim", "euler", "heun", "dpmpp_2m"})
          .toStringList();
  for (const std::string& name : sampler_names()) {
    auto* item = new QListWidgetItem(QString::fromStdString(name), samplers_);
    item->setCheckState(chosen.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
  }
  samplers_->setMaximumHeight(samplers_->sizeHintForRow(0) * (samplers_->count() + 1));
  steps_ = new QLineEdit(settings.value("compare/steps", "5,10,20,50,100").toString());
  steps_->setToolTip(tr("Step counts to compare, the grid's columns"));
  reference_steps_ = new QSpinBox;
  reference_steps_->setRange(10, 1000);
  reference_steps_->setValue(settings.value("compare/referenceSteps", 1000).toInt());
  reference_steps_->setToolTip(
      tr("Every image is measured against a DDIM run of the same seed with this many steps"));

  auto* form = new QFormLayout;
  form->addRow(tr("Samplers (rows):"), samplers_);
  form->addRow(tr("Steps (columns):"), steps_);
  form->addRow(tr("Reference steps:"), reference_steps_);

  run_ = new QPushButton(tr("&Run"));
  cancel_ = new QPushButton(tr("&Cancel"));
  save_ = new QPushButton(tr("&Save…"));
  cancel_->setEnabled(false);
  save_->setEnabled(false);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  buttons->addWidget(save_);
  buttons->addStretch();
  connect(run_, &QPushButton::clicked, this, &CompareDialog::start);
  connect(cancel_, &QPushButton::clicked, this, &CompareDialog::cancel);
  connect(save_, &QPushButton::clicked, this, &CompareDialog::saveImages);

  progress_ = new QProgressBar;
  progress_->setRange(0, 1);
  progress_->setValue(0);
  status_ =
      new QLabel(tr("Each image is one seed's final image; the chart shows how far each "
                    "is from the long reference run."));
  status_->setWordWrap(true);
  grid_ = new QLabel;
  chart_ = new QLabel;
  tabs_ = new QTabWidget;
  tabs_->addTab(scrolled(grid_), tr("Grid"));
  tabs_->addTab(scrolled(chart_), tr("Convergence"));

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(tabs_, 1);
  resize(960, 760);
}

CompareDialog::~CompareDialog() {
  if (thread_ != nullptr) {
    cancel_flag_->store(true);
    thread_->wait();
  }
}

void CompareDialog::start() {
  if (thread_ != nullptr) {
    return;
  }
  ComparisonPlan plan;
  plan.base = *base_;
  plan.reference_steps = reference_steps_->value();
  QStringList chosen;
  for (int i = 0; i < samplers_->count(); ++i) {
    if (samplers_->item(i)->checkState() == Qt::Checked) {
      chosen << samplers_->item(i)->text();
      plan.samplers.push_back(samplers_->item(i)->text().toStdString());
    }
  }
  try {
    if (plan.samplers.empty()) {
      throw Error("choose at least one sampler");
    }
    plan.steps = parse_step_list(steps_->text().toStdString());
  } catch (const Error& e) {
    showFailure(QString::fromUtf8(e.what()));
    return;
  }
  QSettings settings;
  settings.setValue("compare/samplers", chosen);
  settings.setValue("compare/steps", steps_->text());
  settings.setValue("compare/referenceSteps", reference_steps_->value());

  failed_ = false;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  save_->setEnabled(false);
  progress_->setRange(0, 1 + static_cast<int>(plan.samplers.size() * plan.steps.size()));
  progress_->setValue(0);
  status_->setText(tr("Running the %1-step reference…").arg(plan.reference_steps));

  const QPointer<CompareDialog> self(this);
  const std::string folder = model_folder_.toStdString();
  const std::shared_ptr<std::atomic<bool>> flag = cancel_flag_;
  thread_ = QThread::create([self, folder, plan, flag] {
    try {
      const auto model = load_diffusion_model(folder);
      validate_comparison(model->info(), plan);
      ComparisonResult partial;
      const ComparisonResult result = run_comparison(
          *model, plan,
          [&](const ComparisonCell& cell, int done, int total) {
            if (done == 1) {
              partial.reference = cell;
              const torch::Tensor& image = cell.image;
              partial.bands = distance_bands(static_cast<int>(image.size(-2)),
                                             static_cast<int>(image.size(-1)));
            } else {
              partial.cells.push_back(cell);
            }
            const QImage grid = to_qimage(draw_comparison_grid(plan, partial, kGridScale));
            const QString status = QObject::tr("%1, %2 steps: %3 calls, RMSE %4")
                                       .arg(QString::fromStdString(cell.sampler))
                                       .arg(cell.steps)
                                       .arg(cell.calls)
                                       .arg(cell.distance.rmse, 0, 'f', 4);
            QMetaObject::invokeMethod(
                self,
                [self, grid, done, total, status] {
                  if (self) {
                    self->showCell(grid, done, total, status);
                  }
                },
                Qt::QueuedConnection);
          },
          flag.get());
      if (result.cancelled) {
        return;
      }
      const QImage grid = to_qimage(draw_comparison_grid(plan, result, kGridScale));
      const QImage chart = to_qimage(draw_convergence_chart(plan, result));
      const QString summary = summary_of(plan, result);
      QMetaObject::invokeMethod(
          self,
          [self, grid, chart, summary] {
            if (self) {
              self->showResult(grid, chart, summary);
            }
          },
          Qt::QueuedConnection);
    } catch (const std::exception& e) {
      const QString message = QString::fromUtf8(e.what());
      QMetaObject::invokeMethod(
          self,
          [self, message] {
            if (self) {
              self->showFailure(message);
            }
          },
          Qt::QueuedConnection);
    }
  });
  connect(thread_, &QThread::finished, this, &CompareDialog::threadEnded, Qt::QueuedConnection);
  thread_->start();
}

void CompareDialog::cancel() {
  if (cancel_flag_) {
    cancel_flag_->store(true);
  }
  cancel_->setEnabled(false);
  status_->setText(tr("Stopping after the current model call…"));
}

void CompareDialog::showCell(const QImage& grid, int done, int total, const QString& status) {
  grid_image_ = grid;
  grid_->setPixmap(QPixmap::fromImage(grid));
  progress_->setRange(0, total);
  progress_->setValue(done);
  status_->setText(tr("%1 of %2 done. Last: %3").arg(done).arg(total).arg(status));
}

void CompareDialog::showResult(const QImage& grid, const QImage& chart, const QString& summary) {
  grid_image_ = grid;
  chart_image_ = chart;
  grid_->setPixmap(QPixmap::fromImage(grid));
  chart_->setPixmap(QPixmap::fromImage(chart));
  status_->setText(summary);
  save_->setEnabled(true);
}

void CompareDialog::showFailure(const QString& message) {
  failed_ = true;
  status_->setText(tr("Cannot compare: %1").arg(message));
}

void CompareDialog::threadEnded() {
  thread_->deleteLater();
  thread_ = nullptr;
  const bool cancelled = cancel_flag_ && cancel_flag_->load();
  if (cancelled) {
    status_->setText(tr("Cancelled. The grid shows the cells that were done."));
  }
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  Q_EMIT comparisonEnded(cancelled || failed_);
}

void CompareDialog::saveImages() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Save Comparison"), QStringLiteral("compare.png"), tr("PNG images (*.png)"));
  if (path.isEmpty()) {
    return;
  }
  QString chart_path = path;
  chart_path.insert(path.endsWith(".png", Qt::CaseInsensitive) ? path.size() - 4 : path.size(),
                    QStringLiteral("-chart"));
  if (QFileInfo::exists(chart_path) &&
      QMessageBox::question(this, tr("Save Comparison"),
                            tr("%1 already exists. Replace it?").arg(chart_path)) !=
          QMessageBox::Yes) {
    return;
  }
  try {
    for (const auto& [file, image] : {std::pair{path, grid_image_}, {chart_path, chart_image_}}) {
      const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
      const cv::Mat mat(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
                        static_cast<size_t>(rgb.bytesPerLine()));
      write_image(file.toStdString(), to_image8(mat));
    }
    status_->setText(tr("Saved %1 and %2").arg(path, chart_path));
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Save Comparison"), QString::fromUtf8(e.what()));
  }
}

void CompareDialog::closeEvent(QCloseEvent* event) {
  if (cancel_flag_) {
    cancel_flag_->store(true);
  }
  QDialog::closeEvent(event);
}

}  // namespace emergence::ui
