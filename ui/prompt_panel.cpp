#include "prompt_panel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <algorithm>

#include "core/diffusion_model.h"
#include "core/generation_params.h"

namespace emergence::ui {
namespace {

// The image sizes validate_size (core/generation.cpp) accepts: [64, 2048], multiples of the scale.
constexpr int kMinSide = 64;
constexpr int kMaxSide = 2048;

QPlainTextEdit* textBox(int lines, const QString& placeholder, QWidget* parent) {
  auto* box = new QPlainTextEdit(parent);
  box->setPlaceholderText(placeholder);
  box->setTabChangesFocus(true);
  const int line = box->fontMetrics().lineSpacing();
  box->setFixedHeight(lines * line + 2 * box->frameWidth() +
                      int(2 * box->document()->documentMargin()));
  return box;
}

QSpinBox* sideBox(QWidget* parent) {
  auto* box = new QSpinBox(parent);
  box->setRange(kMinSide, kMaxSide);
  box->setSuffix(QObject::tr(" px"));
  box->setAccelerated(true);
  return box;
}

}  // namespace

PromptPanel::PromptPanel(QWidget* parent)
    : QWidget(parent),
      prompt_(textBox(3, tr("What to draw, e.g. a watercolor fox in the snow"), this)),
      negative_(textBox(2, tr("What to steer away from (optional), e.g. blurry"), this)),
      width_(sideBox(this)),
      height_(sideBox(this)),
      clip_skip_(new QSpinBox(this)),
      form_(new QFormLayout(this)) {
  prompt_->setObjectName(QStringLiteral("promptBox"));
  negative_->setObjectName(QStringLiteral("negativePromptBox"));
  prompt_->setToolTip(
      tr("The prompt (Ctrl+Return generates). CLIP reads its first 75 tokens; a longer one is "
         "cut, and the window says how much"));
  negative_->setToolTip(
      tr("The negative prompt: guidance steers away from it (with guidance above 1)"));
  width_->setToolTip(tr("Image width in pixels"));
  height_->setToolTip(tr("Image height in pixels"));
  clip_skip_->setToolTip(
      tr("Layers of the text encoder skipped from the end: 0 reads the last layer "
         "(AUTOMATIC1111's \"Clip skip: 2\" is 1 here)"));
  auto* size = new QHBoxLayout;
  size->addWidget(width_, 1);
  size->addWidget(new QLabel(QStringLiteral("×"), this));
  size->addWidget(height_, 1);
  form_->setContentsMargins(0, 0, 0, 0);
  form_->setRowWrapPolicy(QFormLayout::WrapLongRows);
  form_->addRow(tr("Prompt"), prompt_);
  form_->addRow(tr("Negative"), negative_);
  form_->addRow(tr("Size"), size);
  form_->addRow(tr("Clip skip"), clip_skip_);
  for (QSpinBox* box : {width_, height_}) {
    connect(box, &QSpinBox::editingFinished, this, [this, box] { snapToScale(box); });
    connect(box, &QSpinBox::valueChanged, this, [this, box](int value) {
      (box == width_ ? wanted_width_ : wanted_height_) = value;
      Q_EMIT settingsChanged();
    });
  }
  connect(clip_skip_, &QSpinBox::valueChanged, this, &PromptPanel::settingsChanged);
}

void PromptPanel::setModelInfo(const ModelInfo& info) {
  scale_ = std::max(1, info.latent_scale);
  model_width_ = info.width * scale_;
  model_height_ = info.height * scale_;
  for (QSpinBox* box : {width_, height_}) {
    box->setSingleStep(scale_);
    box->setEnabled(info.any_size);
  }
  clip_skip_->setRange(0, std::max(0, info.max_clip_skip));
  form_->setRowVisible(clip_skip_, info.max_clip_skip > 0);
  // A size kept from before that this model cannot make gives way to the model's own.
  const auto side = [this, &info](int wanted, int own) {
    const bool fits =
        info.any_size && wanted >= kMinSide && wanted <= kMaxSide && wanted % scale_ == 0;
    return fits ? wanted : own;
  };
  const int width = side(wanted_width_, model_width_);
  const int height = side(wanted_height_, model_height_);
  width_->setValue(width);
  height_->setValue(height);
}

void PromptPanel::fill(GenerationParams& p) const {
  p.prompt = prompt_->toPlainText().toStdString();
  p.negative_prompt = negative_->toPlainText().toStdString();
  p.width = width_->value();
  p.height = height_->value();
  p.clip_skip = clip_skip_->value();
}

void PromptPanel::setParams(const GenerationParams& p) {
  if (prompt_->toPlainText().toStdString() != p.prompt) {
    prompt_->setPlainText(QString::fromStdString(p.prompt));
  }
  if (negative_->toPlainText().toStdString() != p.negative_prompt) {
    negative_->setPlainText(QString::fromStdString(p.negative_prompt));
  }
  width_->setValue(p.width > 0 ? p.width : model_width_);
  height_->setValue(p.height > 0 ? p.height : model_height_);
  wanted_width_ = p.width;
  wanted_height_ = p.height;
  clip_skip_->setValue(p.clip_skip);
}

void PromptPanel::snapToScale(QSpinBox* box) {
  const int snapped = std::clamp((box->value() + scale_ / 2) / scale_ * scale_, kMinSide, kMaxSide);
  box->setValue(snapped);
}

}  // namespace emergence::ui
