#pragma once

#include <QWidget>

class QFormLayout;
class QPlainTextEdit;
class QSpinBox;

namespace emergence {
struct GenerationParams;
struct ModelInfo;
}  // namespace emergence

namespace emergence::ui {

// What a text-to-image model draws: the prompt and the negative prompt (multi-line; Ctrl+Return
// generates from either, through the window's shortcut), the image size in steps of the model's
// latent scale, and clip skip where the text encoder has layers to skip.
class PromptPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PromptPanel(QWidget* parent = nullptr);

  // The size range and step, the size the model makes by default, whether clip skip shows.
  void setModelInfo(const emergence::ModelInfo& info);
  // Writes prompt, negative prompt, width, height and clip skip into params.
  void fill(emergence::GenerationParams& params) const;
  // Takes them from params (a width or height of 0 means the model's own size).
  void setParams(const emergence::GenerationParams& params);

  QPlainTextEdit* promptBox() const { return prompt_; }
  QPlainTextEdit* negativeBox() const { return negative_; }
  QSpinBox* widthBox() const { return width_; }
  QSpinBox* heightBox() const { return height_; }
  QSpinBox* clipSkipBox() const { return clip_skip_; }

 Q_SIGNALS:
  // The size or clip skip changed (the text is read when a run starts, not on every key).
  void settingsChanged();

 private:
  void snapToScale(QSpinBox* box);

  QPlainTextEdit* prompt_;
  QPlainTextEdit* negative_;
  QSpinBox* width_;
  QSpinBox* height_;
  QSpinBox* clip_skip_;
  QFormLayout* form_;
  int scale_ = 8;
  int model_width_ = 512;  // the model's own size in pixels
  int model_height_ = 512;
  int wanted_width_ = 0;  // from settings or a run, applied once a model arrives (0: its own)
  int wanted_height_ = 0;
};

}  // namespace emergence::ui
