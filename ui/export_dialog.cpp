#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/media/export/trajectory_export.h"
#include "core/staged_output.h"
#include "core/trajectory.h"

namespace emergence::ui {

// What the worker thread hands back; read only after the thread has finished.
struct ExportDialog::Outcome {
  ExportResult result;
  QString error;
};

namespace {

const ExportFormat kFormats[] = {ExportFormat::Gif,          ExportFormat::Mp4,
                                 ExportFormat::WebP,         ExportFormat::PngSequence,
                                 ExportFormat::ContactSheet, ExportFormat::Still};
const char* const kFormatNames[] = {"Animated GIF", "MP4 video",           "Animated WebP",
                                    "PNG sequence", "Contact sheet (PNG)", "Final image (PNG)"};
const char* const kViewNames[] = {"Noisy image x_t", "Clean guess x\u03020",
                                  "Predicted noise \u03b5\u0302", "This step's change \u0394",
                                  "Noisy and clean side by side"};

bool is_animation(ExportFormat f) {
  return f == ExportFormat::Gif || f == ExportFormat::Mp4 || f == ExportFormat::WebP;
}

QHBoxLayout* row(std::initializer_list<QWidget*> widgets) {
  auto* layout = new QHBoxLayout;
  for (QWidget* widget : widgets) {
    layout->addWidget(widget);
  }
  return layout;
}

QString file_size(uint64_t bytes) {
  return QLocale().formattedDataSize(static_cast<qint64>(bytes));
}

}  // namespace

ExportDialog::ExportDialog(const emergence::Trajectory& trajectory, QWidget* parent)
    : QDialog(parent), trajectory_(std::make_unique<emergence::Trajectory>(trajectory)) {
  setWindowTitle(tr("Export"));
  ask_overwrite_ = [this](const QStringList& existing) {
    const QString list = existing.mid(0, 5).join(QStringLiteral("\n")) +
                         (existing.size() > 5 ? QStringLiteral("\n…") : QString());
    return QMessageBox::question(
               this, tr("Replace files?"),
               tr("These files already exist and would be replaced:\n%1").arg(list),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
  };
  buildControls();
  loadSettings();
  updateEnabled();
  updateEstimate();
}

ExportDialog::~ExportDialog() {
  cancel_ = true;
  if (worker_) {
    worker_->wait();
    delete worker_;
  }
}

void ExportDialog::buildControls() {
  const int frames = static_cast<int>(trajectory_->frames.size());
  auto* form = new QFormLayout;
  view_ = new QComboBox(this);
  view_->setObjectName(QStringLiteral("exportView"));
  for (const char* name : kViewNames) {
    view_->addItem(QString::fromUtf8(name));
  }
  view_->setToolTip(tr("Which picture of each step to export"));
  form->addRow(tr("Show"), view_);

  first_ = new QSpinBox(this);
  last_ = new QSpinBox(this);
  first_->setRange(0, std::max(0, frames - 1));
  last_->setRange(0, std::max(0, frames - 1));
  last_->setValue(std::max(0, frames - 1));
  stride_ = new QSpinBox(this);
  stride_->setObjectName(QStringLiteral("exportStride"));
  stride_->setRange(1, 10000);
  stride_->setToolTip(tr("Every k-th step; the last step is always included"));
  form->addRow(tr("Steps"), row({first_, new QLabel(tr("to"), this), last_,
                                 new QLabel(tr("every"), this), stride_}));

  format_ = new QComboBox(this);
  format_->setObjectName(QStringLiteral("exportFormat"));
  for (const char* name : kFormatNames) {
    format_->addItem(tr(name));
  }
  format_->setToolTip(
      tr("What to write: an animation, numbered PNGs, a contact sheet or the "
         "final image alone"));
  form->addRow(tr("Format"), format_);

  scale_ = new QSpinBox(this);
  scale_->setObjectName(QStringLiteral("exportScale"));
  scale_->setRange(1, 64);
  scale_->setSuffix(QStringLiteral("\u00d7"));
  scale_->setToolTip(tr("Each image pixel becomes this many pixels across"));
  smooth_ = new QCheckBox(tr("Smooth"), this);
  smooth_->setToolTip(tr("Bicubic instead of crisp nearest-neighbour pixels"));
  form->addRow(tr("Scale"), row({scale_, smooth_}));

  label_ = new QCheckBox(tr("Step label"), this);
  label_->setObjectName(QStringLiteral("exportLabel"));
  label_->setToolTip(
      tr("Write the step number and noise level into each picture. The final image has its own "
         "setting, off unless you tick it while \"Final image\" is chosen."));
  progress_bar_ = new QCheckBox(tr("Progress bar"), this);
  progress_bar_->setObjectName(QStringLiteral("exportProgressBar"));
  progress_bar_->setToolTip(tr("Draw how far the run has come along the bottom of each picture"));
  global_palette_ = new QCheckBox(tr("One palette (GIF)"), this);
  global_palette_->setToolTip(
      tr("One colour table for the whole GIF: smaller file, less flicker, coarser colours"));
  form->addRow(tr("Burn in"), row({label_, progress_bar_, global_palette_}));

  fps_ = new QDoubleSpinBox(this);
  fps_->setObjectName(QStringLiteral("exportFps"));
  fps_->setRange(0.1, 50.0);
  fps_->setDecimals(1);
  fps_->setSuffix(tr(" fps"));
  hold_ = new QSpinBox(this);
  hold_->setRange(0, 600000);
  hold_->setSingleStep(250);
  hold_->setSuffix(tr(" ms hold on last"));
  fps_->setToolTip(tr("Frames per second of the animation"));
  hold_->setToolTip(tr("How long the last frame stays before the animation loops"));
  first_->setToolTip(tr("First step to export (0 is the starting noise)"));
  last_->setToolTip(tr("Last step to export"));
  form->addRow(tr("Timing"), row({fps_, hold_}));

  folder_ = new QLineEdit(this);
  folder_->setObjectName(QStringLiteral("exportFolder"));
  folder_->setToolTip(tr("The folder the files are written to"));
  auto* browse = new QPushButton(tr("Browse…"), this);
  browse->setToolTip(tr("Choose the folder"));
  form->addRow(tr("Folder"), row({folder_, browse}));
  name_ = new QLineEdit(this);
  name_->setObjectName(QStringLiteral("exportName"));
  name_->setToolTip(tr("File names start with this; the extension follows the format"));
  form->addRow(tr("File name"), name_);

  estimate_ = new QLabel(this);
  estimate_->setObjectName(QStringLiteral("exportEstimate"));
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("exportStatus"));
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  // Both lines keep their room whatever they say, so the rows above never move; a long
  // estimate or message wraps instead of widening the dialog.
  estimate_->setWordWrap(true);
  estimate_->setMinimumHeight(2 * fontMetrics().lineSpacing());
  estimate_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  status_->setMinimumHeight(2 * fontMetrics().lineSpacing());
  status_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  progress_ = new QProgressBar(this);
  progress_->setObjectName(QStringLiteral("exportProgress"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  export_button_ = new QPushButton(tr("Export"), this);
  export_button_->setObjectName(QStringLiteral("exportButton"));
  export_button_->setDefault(true);
  close_button_ = new QPushButton(tr("Close"), this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(progress_, 1);
  buttons->addWidget(export_button_);
  buttons->addWidget(close_button_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(estimate_);
  layout->addWidget(status_);
  layout->addLayout(buttons);

  // Estimating encodes sample frames, so it waits until the controls have been still briefly.
  estimate_timer_ = new QTimer(this);
  estimate_timer_->setObjectName(QStringLiteral("exportEstimateTimer"));
  estimate_timer_->setSingleShot(true);
  estimate_timer_->setInterval(150);
  connect(estimate_timer_, &QTimer::timeout, this, &ExportDialog::updateEstimate);
  const auto changed = [this] {
    updateEnabled();
    estimate_timer_->start();
  };
  for (QComboBox* box : {view_, format_}) {
    connect(box, qOverload<int>(&QComboBox::currentIndexChanged), this, changed);
  }
  for (QSpinBox* box : {first_, last_, stride_, scale_, hold_}) {
    connect(box, qOverload<int>(&QSpinBox::valueChanged), this, changed);
  }
  connect(fps_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, changed);
  for (QCheckBox* box : {smooth_, label_, progress_bar_, global_palette_}) {
    connect(box, &QCheckBox::toggled, this, changed);
  }
  connect(label_, &QCheckBox::toggled, this, [this](bool on) { burnInOfShownFormat().label = on; });
  connect(progress_bar_, &QCheckBox::toggled, this,
          [this](bool on) { burnInOfShownFormat().progress_bar = on; });
  connect(format_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &ExportDialog::showBurnInOfFormat);
  connect(name_, &QLineEdit::textChanged, this, changed);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Export to folder"), folder_->text());
    folder_->setText(folder.isEmpty() ? folder_->text() : folder);
  });
  connect(export_button_, &QPushButton::clicked, this, &ExportDialog::startExport);
  connect(close_button_, &QPushButton::clicked, this, &ExportDialog::reject);
}

ExportFormat ExportDialog::shownFormat() const {
  return kFormats[std::max(0, format_->currentIndex())];
}

ExportDialog::BurnIn& ExportDialog::burnInOfShownFormat() {
  return shownFormat() == ExportFormat::Still ? still_burn_in_ : steps_burn_in_;
}

void ExportDialog::showBurnInOfFormat() {
  const BurnIn shown = burnInOfShownFormat();  // a copy: setChecked writes back into it
  label_->setChecked(shown.label);
  progress_bar_->setChecked(shown.progress_bar);
}

ExportSettings ExportDialog::settings() const {
  ExportSettings s;
  s.format = kFormats[std::max(0, format_->currentIndex())];
  s.view = static_cast<ExportView>(std::max(0, view_->currentIndex()));
  s.first_frame = first_->value();
  s.last_frame = last_->value();
  s.stride = stride_->value();
  s.scale = scale_->value();
  s.smooth = smooth_->isChecked();
  s.step_label = label_->isChecked();
  s.progress_bar = s.format != ExportFormat::Still && progress_bar_->isChecked();
  s.global_palette = global_palette_->isChecked();
  s.frame_delay_ms = std::max(20.0, 1000.0 / fps_->value());
  s.hold_last_ms = hold_->value();
  s.directory = folder_->text().toStdString();
  s.base_name = name_->text().trimmed().toStdString();
  return s;
}

void ExportDialog::setOverwriteQuestion(std::function<bool(const QStringList&)> ask) {
  ask_overwrite_ = std::move(ask);
}

bool ExportDialog::exportRunning() const { return worker_ != nullptr; }

void ExportDialog::updateEnabled() {
  const ExportFormat format = kFormats[std::max(0, format_->currentIndex())];
  const bool running = exportRunning();
  fps_->setEnabled(is_animation(format));
  hold_->setEnabled(is_animation(format));
  global_palette_->setEnabled(format == ExportFormat::Gif);
  stride_->setEnabled(format != ExportFormat::Still);
  first_->setEnabled(format != ExportFormat::Still);
  progress_bar_->setEnabled(format != ExportFormat::Still);  // always full on the last step
  export_button_->setEnabled(!running && !trajectory_->frames.empty());
  close_button_->setText(running ? tr("Cancel") : tr("Close"));
}

void ExportDialog::updateEstimate() {
  try {
    const ExportEstimate e = estimate_export(*trajectory_, settings());
    const QString pictures = e.frames == 1 ? tr("1 picture") : tr("%1 pictures").arg(e.frames);
    estimate_->setText(tr("%1, %2 × %3 px, about %4")
                           .arg(pictures)
                           .arg(e.width)
                           .arg(e.height)
                           .arg(file_size(e.bytes)));
  } catch (const Error& e) {
    estimate_->setText(QString::fromStdString(e.what()));
  }
}

void ExportDialog::startExport() {
  if (exportRunning()) {
    return;
  }
  ExportSettings s = settings();
  try {
    recover_folder(s.directory);  // so that a killed export's leftovers are not asked about
    QStringList existing;
    for (const std::string& path : planned_files(*trajectory_, s)) {
      if (QFileInfo::exists(QString::fromStdString(path))) {
        existing << QString::fromStdString(path);
      }
    }
    if (!existing.isEmpty()) {
      if (!ask_overwrite_(existing)) {
        status_->setText(tr("Not exported: the files exist and were kept."));
        return;
      }
      s.overwrite = true;
    }
  } catch (const Error& e) {
    status_->setText(QString::fromStdString(e.what()));
    Q_EMIT exportFailed(status_->text());
    return;
  }
  saveSettings();
  cancel_ = false;
  outcome_ = std::make_shared<Outcome>();
  status_->setText(tr("Exporting…"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  ExportControl control;
  control.cancel = &cancel_;
  control.progress = [bar = progress_](int done, int total) {
    QMetaObject::invokeMethod(
        bar,
        [bar, done, total] {
          bar->setRange(0, total);
          bar->setValue(done);
        },
        Qt::QueuedConnection);
  };
  worker_ = QThread::create([trajectory = *trajectory_, s, control, outcome = outcome_] {
    try {
      outcome->result = export_trajectory(trajectory, s, control);
    } catch (const std::exception& e) {
      outcome->error = QString::fromStdString(e.what());
    }
  });
  connect(worker_, &QThread::finished, this, &ExportDialog::finishExport);
  updateEnabled();
  worker_->start();
}

void ExportDialog::finishExport() {
  worker_->deleteLater();
  worker_ = nullptr;
  updateEnabled();
  const std::shared_ptr<Outcome> outcome = std::move(outcome_);
  if (!outcome->error.isEmpty()) {
    status_->setText(tr("Export failed: %1").arg(outcome->error));
    Q_EMIT exportFailed(outcome->error);
    return;
  }
  if (outcome->result.cancelled) {
    progress_->setValue(0);
    status_->setText(tr("Export cancelled; nothing was written."));
    Q_EMIT exportCancelled();
    return;
  }
  QStringList files;
  for (const std::string& path : outcome->result.files) {
    files << QString::fromStdString(path);
  }
  QString text = tr("Wrote %1 (%2)").arg(files.front(), file_size(outcome->result.bytes));
  if (files.size() > 2) {
    text = tr("Wrote %1 files to %2 (%3)")
               .arg(files.size())
               .arg(folder_->text(), file_size(outcome->result.bytes));
  }
  if (!outcome->result.codec.empty()) {
    text += tr(", codec %1").arg(QString::fromStdString(outcome->result.codec));
  }
  status_->setText(text);
  Q_EMIT exportFinished(files);
}

void ExportDialog::cancelExport() { cancel_ = true; }

void ExportDialog::reject() {
  if (exportRunning()) {
    cancelExport();  // the dialog stays until the worker has cleaned up
    return;
  }
  saveSettings();
  QDialog::reject();
}

}  // namespace emergence::ui
