// The export dialog's controls: what each one is, how they are laid out, and what they update.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "core/trajectory.h"
#include "export_dialog.h"

namespace emergence::ui {
namespace {

// The format combo's entries, in order.
const ExportFormat kFormats[] = {ExportFormat::Gif,          ExportFormat::Mp4,
                                 ExportFormat::WebP,         ExportFormat::PngSequence,
                                 ExportFormat::ContactSheet, ExportFormat::Still};
const char* const kFormatNames[] = {"Animated GIF", "MP4 video",           "Animated WebP",
                                    "PNG sequence", "Contact sheet (PNG)", "Final image (PNG)"};
const char* const kViewNames[] = {"Noisy image x_t", "Clean guess x\u03020",
                                  "Predicted noise \u03b5\u0302", "This step's change \u0394",
                                  "Noisy and clean side by side"};

QHBoxLayout* row(std::initializer_list<QWidget*> widgets) {
  auto* layout = new QHBoxLayout;
  for (QWidget* widget : widgets) {
    layout->addWidget(widget);
  }
  return layout;
}

}  // namespace

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

}  // namespace emergence::ui
