#pragma once

#include <QColor>
#include <QToolBar>

class QAction;
class QActionGroup;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QToolButton;
class QUndoStack;

namespace emergence::ui {

class SettingsStore;

// The start image's tools: new sketch / open / remove, the brush, fill and mask tools with their
// size, colour and feather, clear and invert mask, undo / redo, how a picture is fitted, the
// strength a run starts at, and Live.
class SketchToolBar : public QToolBar {
  Q_OBJECT

 public:
  enum class Tool { Look, Brush, Fill, Mask, EraseMask };

  SketchToolBar(QUndoStack* undo, QWidget* parent = nullptr);

  Tool tool() const;
  void setTool(Tool tool);
  int brushSize() const;
  QColor color() const { return color_; }
  void setColor(const QColor& color);
  double feather() const;
  bool padded() const;  // fit by padding rather than cropping
  double strength() const;
  void setStrength(double strength);
  bool live() const;
  void setLive(bool on);
  // Live's read-out: what it is doing, or how long the last result took.
  void setLiveStatus(const QString& text);
  // Tools that need a picture are enabled only when there is one.
  void setHasPicture(bool has);

  QList<QAction*> toolActions() const;
  QAction* newSketchAction() const { return new_sketch_; }
  QAction* openAction() const { return open_; }
  QAction* removeAction() const { return remove_; }
  QAction* clearMaskAction() const { return clear_mask_; }
  QAction* invertMaskAction() const { return invert_mask_; }
  QAction* liveAction() const { return live_; }
  QAction* undoAction() const { return undo_; }
  QAction* redoAction() const { return redo_; }
  QDoubleSpinBox* strengthBox() const { return strength_; }
  QSpinBox* sizeBox() const { return size_; }
  QComboBox* fitCombo() const { return fit_; }

  void restoreSettings(const SettingsStore& settings);
  void saveSettings(SettingsStore& settings) const;

 Q_SIGNALS:
  void toolChanged();
  void fitChanged();
  void strengthChanged();
  void featherChanged();
  void liveToggled(bool on);

 private:
  QAction* addTool(const QString& text, Tool tool, Qt::Key key, const QString& tip);
  void chooseColor();

  QAction* new_sketch_;
  QAction* open_;
  QAction* remove_;
  QActionGroup* tools_;
  QSpinBox* size_;
  QToolButton* color_button_;
  QColor color_ = Qt::black;
  QAction* clear_mask_;
  QAction* invert_mask_;
  QDoubleSpinBox* feather_;
  QAction* undo_;
  QAction* redo_;
  QComboBox* fit_;
  QDoubleSpinBox* strength_;
  QAction* live_;
  QLabel* live_status_;
};

}  // namespace emergence::ui
