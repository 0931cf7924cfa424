#include "sketch_toolbar.h"

#include <QAction>
#include <QActionGroup>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPainter>
#include <QSpinBox>
#include <QToolButton>
#include <QUndoStack>

#include "settings_store.h"

namespace emergence::ui {
namespace {

QIcon swatch(const QColor& color) {
  QPixmap pixmap(16, 16);
  pixmap.fill(color);
  QPainter painter(&pixmap);
  painter.setPen(Qt::gray);
  painter.drawRect(0, 0, 15, 15);
  return QIcon(pixmap);
}

}  // namespace

SketchToolBar::SketchToolBar(QUndoStack* undo, QWidget* parent)
    : QToolBar(tr("Start Image"), parent), tools_(new QActionGroup(this)) {
  setObjectName(QStringLiteral("sketchToolBar"));
  // Short words on the buttons (iconText), the whole name in the menus.
  new_sketch_ = addAction(tr("New Sketch"));
  new_sketch_->setIconText(tr("New"));
  new_sketch_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
  new_sketch_->setToolTip(tr("Start from a white canvas at the model's size (Ctrl+Shift+N)"));
  open_ = addAction(tr("Open Image…"));
  open_->setIconText(tr("Open…"));
  open_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
  open_->setToolTip(
      tr("Start the run from a picture: PNG, JPEG, WebP, BMP or TIFF (Ctrl+I); "
         "or drop one on the window"));
  remove_ = addAction(tr("Remove"));
  remove_->setToolTip(tr("Back to generating from noise"));
  addSeparator();

  addTool(tr("Look"), Tool::Look, Qt::Key_V, tr("Look and pan; no painting (V)"));
  addTool(tr("Brush"), Tool::Brush, Qt::Key_B, tr("Paint pixels in the colour (B)"));
  addTool(tr("Fill"), Tool::Fill, Qt::Key_F, tr("Fill the region of one colour (F)"));
  addTool(tr("Mask"), Tool::Mask, Qt::Key_M,
          tr("Paint where the model may repaint; the rest is kept (M)"));
  addTool(tr("Erase Mask"), Tool::EraseMask, Qt::Key_E, tr("Take pixels out of the mask (E)"))
      ->setIconText(tr("Erase"));
  tools_->actions().front()->setChecked(true);
  connect(tools_, &QActionGroup::triggered, this, &SketchToolBar::toolChanged);

  size_ = new QSpinBox(this);
  size_->setObjectName(QStringLiteral("brushSize"));
  size_->setRange(1, 64);
  size_->setSuffix(tr(" px"));
  size_->setToolTip(tr("Brush size in model pixels"));
  addWidget(new QLabel(tr(" Size "), this));
  addWidget(size_);
  color_button_ = new QToolButton(this);
  color_button_->setObjectName(QStringLiteral("brushColor"));
  color_button_->setToolTip(tr("Brush colour"));
  color_button_->setIcon(swatch(color_));
  connect(color_button_, &QToolButton::clicked, this, &SketchToolBar::chooseColor);
  addWidget(color_button_);
  addSeparator();

  clear_mask_ = addAction(tr("Clear Mask"));
  clear_mask_->setIconText(tr("Clear"));
  invert_mask_ = addAction(tr("Invert Mask"));
  invert_mask_->setIconText(tr("Invert"));
  feather_ = new QDoubleSpinBox(this);
  feather_->setObjectName(QStringLiteral("maskFeather"));
  feather_->setRange(0.0, 8.0);
  feather_->setSingleStep(0.5);
  feather_->setDecimals(1);
  feather_->setSuffix(tr(" px"));
  feather_->setToolTip(tr("Feather: the mask's edge is softened by a Gaussian of this σ"));
  addWidget(new QLabel(tr(" Feather "), this));
  addWidget(feather_);
  connect(feather_, &QDoubleSpinBox::valueChanged, this, &SketchToolBar::featherChanged);
  addSeparator();

  undo_ = undo->createUndoAction(this, tr("Undo"));
  undo_->setShortcut(QKeySequence::Undo);
  redo_ = undo->createRedoAction(this, tr("Redo"));
  // Both spellings, whatever the platform's QKeySequence::Redo is (Ctrl+Shift+Z under X11,
  // Ctrl+Y elsewhere), each listed once.
  redo_->setShortcuts(
      {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
  // The menu says what would be undone ("Undo Brush Stroke"); the button stays short.
  undo_->setIconText(tr("Undo"));
  redo_->setIconText(tr("Redo"));
  addAction(undo_);
  addAction(redo_);
  addSeparator();

  fit_ = new QComboBox(this);
  fit_->setObjectName(QStringLiteral("imageFit"));
  fit_->addItems({tr("Crop"), tr("Pad")});
  fit_->setToolTip(
      tr("How a picture of another shape fits the model: crop its centre, or pad "
         "it with white"));
  addWidget(fit_);
  connect(fit_, &QComboBox::activated, this, &SketchToolBar::fitChanged);
  strength_ = new QDoubleSpinBox(this);
  strength_->setObjectName(QStringLiteral("strength"));
  strength_->setRange(0.01, 1.0);
  strength_->setSingleStep(0.05);
  strength_->setDecimals(2);
  strength_->setValue(0.6);
  strength_->setToolTip(
      tr("Strength: of N steps the last ⌊N·strength⌋ run, from the picture "
         "noised to that step (diffusers' strength). 1 = from noise"));
  addWidget(new QLabel(tr(" Strength "), this));
  addWidget(strength_);
  connect(strength_, &QDoubleSpinBox::valueChanged, this, &SketchToolBar::strengthChanged);

  live_ = addAction(tr("Live"));
  live_->setCheckable(true);
  live_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  live_->setToolTip(tr("Re-run from the sketch after every stroke, at this strength (Ctrl+L)"));
  connect(live_, &QAction::toggled, this, &SketchToolBar::liveToggled);
  live_status_ = new QLabel(this);
  live_status_->setObjectName(QStringLiteral("liveStatus"));
  live_status_->setMinimumWidth(
      live_status_->fontMetrics().horizontalAdvance(QStringLiteral("Live: 000 ms")));
  addWidget(live_status_);
  setHasPicture(false);
}

QAction* SketchToolBar::addTool(const QString& text, Tool tool, Qt::Key key, const QString& tip) {
  QAction* action = addAction(text);
  action->setCheckable(true);
  action->setData(int(tool));
  action->setShortcut(QKeySequence(key));
  action->setToolTip(tip);
  tools_->addAction(action);
  return action;
}

QList<QAction*> SketchToolBar::toolActions() const { return tools_->actions(); }

SketchToolBar::Tool SketchToolBar::tool() const {
  const QAction* checked = tools_->checkedAction();
  return checked ? Tool(checked->data().toInt()) : Tool::Look;
}

void SketchToolBar::setTool(Tool tool) {
  for (QAction* action : tools_->actions()) {
    if (Tool(action->data().toInt()) == tool) {
      action->setChecked(true);
    }
  }
  Q_EMIT toolChanged();
}

int SketchToolBar::brushSize() const { return size_->value(); }

void SketchToolBar::setColor(const QColor& color) {
  color_ = color;
  color_button_->setIcon(swatch(color));
}

void SketchToolBar::chooseColor() {
  const QColor chosen = QColorDialog::getColor(color_, this, tr("Brush Colour"));
  if (chosen.isValid()) {
    setColor(chosen);
    if (tool() != Tool::Brush && tool() != Tool::Fill) {
      setTool(Tool::Brush);
    }
  }
}

double SketchToolBar::feather() const { return feather_->value(); }

bool SketchToolBar::padded() const { return fit_->currentIndex() == 1; }

double SketchToolBar::strength() const { return strength_->value(); }

void SketchToolBar::setStrength(double strength) { strength_->setValue(strength); }

bool SketchToolBar::live() const { return live_->isChecked(); }

void SketchToolBar::setLive(bool on) { live_->setChecked(on); }

void SketchToolBar::setLiveStatus(const QString& text) { live_status_->setText(text); }

void SketchToolBar::setHasPicture(bool has) {
  for (QAction* action : tools_->actions()) {
    action->setEnabled(has);
  }
  for (QAction* action : {remove_, clear_mask_, invert_mask_, live_}) {
    action->setEnabled(has);
  }
  if (!has && live_->isChecked()) {
    live_->setChecked(false);
  }
}

void SketchToolBar::restoreSettings(const SettingsStore& settings) {
  size_->setValue(settings.value(QStringLiteral("sketch/brush_size"), 1));
  setColor(QColor(settings.value(QStringLiteral("sketch/color"), QStringLiteral("#000000"))));
  feather_->setValue(settings.value(QStringLiteral("sketch/feather"), 0.0));
  fit_->setCurrentIndex(settings.value(QStringLiteral("sketch/pad"), false) ? 1 : 0);
  strength_->setValue(settings.value(QStringLiteral("sketch/strength"), 0.6));
}

void SketchToolBar::saveSettings(SettingsStore& settings) const {
  settings.setValue(QStringLiteral("sketch/brush_size"), size_->value());
  settings.setValue(QStringLiteral("sketch/color"), color_.name());
  settings.setValue(QStringLiteral("sketch/feather"), feather_->value());
  settings.setValue(QStringLiteral("sketch/pad"), padded());
  settings.setValue(QStringLiteral("sketch/strength"), strength_->value());
}

}  // namespace emergence::ui
