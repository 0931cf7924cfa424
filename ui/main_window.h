#pragma once

#include <QImage>
#include <QMainWindow>
#include <map>
#include <memory>
#include <optional>

#include "frame_images.h"
#include "sampling_worker.h"

class QActionGroup;
class QComboBox;
class QLabel;
class QMenu;
class QTimer;

namespace emergence {
struct Trajectory;
}  // namespace emergence

namespace emergence::ui {

class CanvasView;
class ControlsPanel;
class FrameStore;
class MessageBanner;
class RunHistory;
class RunProgress;
class SamplingController;
class SettingsStore;
class SketchSession;
class SpectrumLink;
class TimelineWidget;
class TrainWindow;

// The application window: controls on the left, the canvas with its timeline in the middle, a
// dock area on the right for analysis panels, and run progress in the status bar.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // builtin_model_dir: the shipped model's folder (may be missing; the window then says so).
  explicit MainWindow(const QString& builtin_model_dir, QWidget* parent = nullptr);
  ~MainWindow() override;

  // A model folder (UNet2DModel or Stable Diffusion) or a single .safetensors checkpoint.
  void openModelFolder(const QString& path);
  void setView(FrameView view);
  FrameView view() const { return view_; }
  // Docks an analysis panel on the right (e.g. the spectrum panel).
  void addAnalysisPanel(const QString& title, QWidget* panel);
  void setAnalysisFactory(AnalysisFactory factory);

  ControlsPanel* controls() const { return controls_; }
  CanvasView* canvas() const { return canvas_; }
  TimelineWidget* timeline() const { return timeline_; }
  MessageBanner* banner() const { return banner_; }
  RunProgress* progress() const { return progress_; }
  const FrameStore& frames() const { return *store_; }
  SamplingController* controller() const { return controller_; }
  SketchSession* sketch() const { return sketch_; }
  TrainWindow* trainingWindow() const { return train_window_; }
  RunHistory* history() const { return history_; }
  bool hasModel() const { return model_ != nullptr; }
  bool isLoadingModel() const;
  // The x̂0 preview decoder of the loaded model ("TAESD"), empty when it has none.
  QString previewDecoder() const { return preview_decoder_; }
  // What the canvas caption says about the x̂0 shown (latent models), e.g. "x̂0 · TAESD".
  QString cleanGuessCaption() const;
  // The shown run as Save Current Frame writes it: a latent model's shown x̂0 is the decode on
  // the canvas (VAE or TAESD) rather than its latent→RGB view.
  emergence::Trajectory shownTrajectory();
  // The VAE decodes of the shown run's steps so far (its final image, steps asked for).
  const std::map<int, QImage>& decodedSteps() const { return vae_images_; }
  QString modelFolder() const { return model_folder_; }
  bool isRunning() const;
  // The frame the canvas shows now (-1 before any run).
  int shownFrame() const { return shown_frame_; }

 public Q_SLOTS:
  void generate();
  void stop();
  // Ctrl+O: a .safetensors checkpoint, or a folder's model_index.json / config.json.
  void openModelDialog();
  void openModelFolderDialog();
  // D: the VAE decode of the shown step of the latest run (latent models).
  void decodeShownStep();
  // Model › Preview Decoder (TAESD)…: a TAESD file for this model's x̂0 previews, remembered.
  void choosePreviewDecoder();
  void setPreviewDecoderFile(const QString& path);
  // Model › Prediction Type: "auto", "epsilon" or "v" for the model's file or folder, remembered
  // per path; the model opens again with it (a single file does not record what it predicts).
  void setPredictionOverride(const QString& choice);
  // Ctrl+E: exports the run's frames so far (the dialog keeps its own copy of them).
  void openExportDialog();
  void openCompareDialog();
  // Ctrl+S: saves the frame on the canvas, in the view shown, as a PNG the user names.
  void saveCurrentFrame();
  // Ctrl+B: a branch of the shown run at the shown step, with the controls' settings after it.
  void branchHere();
  // Ctrl+Shift+B: many branches of the shown run from the shown step, and their spread.
  void openFanOutDialog();
  // Ctrl+Shift+V: a grid of the shown run's variations (variation seeds at one strength).
  void openVariationsDialog();
  // File › Save Session / Open Session: the Runs panel's runs in a .emergence file.
  void saveSessionDialog();
  void openSessionDialog();
  void openSession(const QString& path);
  // A dropped session file opens; a dropped PNG that carries settings sets the controls and the
  // banner lists what was used and what not (true). False: the file is for the caller to open.
  bool openDroppedFile(const QString& path);
  // File › Train on a Folder…: opens (or raises) the training window.
  void openTrainingWindow();

 Q_SIGNALS:
  void modelReady();
  void modelRejected(const QString& message);
  void runEnded();
  // A frame was drawn (live redraw or scrub); carries its index.
  void frameShown(int frame);
  // Save Current Frame wrote this PNG.
  void frameSaved(const QString& path);
  // A VAE decode of a step arrived (the final image, or Decode This Step).
  void stepDecoded(int frame);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildMenus();
  void buildLayout();
  void buildHistory();
  void restoreSettings();
  void saveSettings();
  void refreshModelChoices();
  void startRun(const emergence::GenerationParams& params);
  void onModelLoaded(ModelInfoPtr info, qint64 load_ms);
  void onModelFailed(const QString& folder, const QString& message);
  void onLoadEnded();
  void onPreviewDecoderChanged(const QString& decoder);
  void onPreviewDecoderFailed(const QString& path, const QString& message);
  void onStepDecoded(int frame, const QImage& image, const QString& decoder);
  // The Model menu (preview decoder, Decode This Step) and the device combo.
  void buildModelControls();
  QString predictionOverride(const QString& path) const;
  // Enabled for prompt models, the loaded model's choice checked.
  void updatePredictionMenu();
  // The fan-out, variations and comparison grids sample pixel models only: a latent model's
  // request is answered in the banner (true).
  bool refusedForLatentModel(const QString& what);
  // The model area's description of a loaded model.
  QString modelDescription(const emergence::ModelInfo& info) const;
  // The canvas images of the shown frame; a latent model's x̂0 is its best decode.
  QList<QImage> shownFrameImages();
  void onFrame(FramePtr frame);
  void onRunEnded(const QString& summary);
  void redrawLive();
  void showFrame(int frame);
  // The sketch (when there is one) and the shown frame in the chosen view.
  void refreshCanvas();
  void recordRun(bool completed);
  void restoreRun(int run);

  QString builtin_dir_;
  std::unique_ptr<FrameStore> store_;
  std::unique_ptr<SettingsStore> settings_;
  SamplingController* controller_;
  ControlsPanel* controls_;
  CanvasView* canvas_;
  TimelineWidget* timeline_;
  MessageBanner* banner_;
  RunProgress* progress_;
  QLabel* zoom_label_;
  QTimer* redraw_timer_;
  QMenu* recent_menu_ = nullptr;
  QAction* save_action_ = nullptr;
  QAction* export_action_ = nullptr;
  QAction* decode_action_ = nullptr;
  QAction* preview_decoder_action_ = nullptr;
  QMenu* prediction_menu_ = nullptr;
  QActionGroup* prediction_actions_ = nullptr;
  QLabel* caption_ = nullptr;
  QActionGroup* view_actions_ = nullptr;
  QComboBox* view_combo_ = nullptr;
  QMenu* view_menu_ = nullptr;
  QAction* toolbar_toggle_ = nullptr;  // panels' toggles go before it in the View menu
  QWidget* viewer_ = nullptr;
  SpectrumLink* spectrum_link_ = nullptr;
  SketchSession* sketch_ = nullptr;
  RunHistory* history_ = nullptr;
  TrainWindow* train_window_ = nullptr;
  QString settings_dir_;  // where sessions were last saved or opened
  int analysis_docks_ = 0;
  ModelInfoPtr model_;
  QString model_folder_;
  QString controls_model_;  // the model the controls' values were last set for
  FrameView view_ = FrameView::CleanGuess;
  int shown_frame_ = -1;
  bool starting_run_ = false;
  // The latent model's run on the canvas is the controller's latest (whose x̂0 latents the
  // worker holds), not one brought back from the Runs panel.
  bool shows_latest_run_ = false;
  std::map<int, QImage> vae_images_;  // frame → the VAE decode of its x̂0
  QString preview_decoder_;
  QString caption_text_;
};

// The branch Branch Here starts: the shown run at frame `frame` (on a step boundary, of the run
// that made that frame), with the controls' settings after it (a prompt model's prompt too); the
// seed is new (drawn when the controls' is the parent's). Only a new seed on a deterministic
// sampler samples with DDPM (note says so); nullopt at the last step (note says why).
std::optional<emergence::GenerationParams> branch_for(const emergence::ModelInfo& info,
                                                      const emergence::GenerationParams& shown,
                                                      int frame,
                                                      const emergence::GenerationParams& settings,
                                                      QString& note);

}  // namespace emergence::ui
