#pragma once

#include <QImage>
#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <string>

#include "sampling_worker.h"

class QThreadPool;

namespace emergence {
struct TrainingImages;
}  // namespace emergence

namespace emergence::ui {

// Where a model's training images lie when its emergence.json names no training_data folder
// that exists here, or empty when unknown. app/ installs one for the built-in emoji model, whose
// set is rendered from the emoji font (once, cached on disk). Called on a worker thread.
using TrainingFolderFinder = std::function<std::string(const emergence::ModelInfo& info)>;
void set_training_folder_finder(TrainingFolderFinder finder);

// One training image near the one on screen.
struct NearestMatch {
  QImage image;  // the training image at the model's resolution
  double distance = 0.0;
  QString file;         // relative to the training folder
  QString description;  // from the folder's manifest.csv ("1F600 grinning face (…)"), or empty
};

// The answer to one search (NearestImages, core/media/nearest_images.h, in Qt terms).
struct NearestResult {
  int frame = -1;  // the frame whose x̂0 was looked up
  int step = 0;
  int total = 0;
  QImage query;                 // that x̂0
  QList<NearestMatch> matches;  // nearest first
  bool verdict_known = false;
  bool near_copy = false;
  double ratio = 0.0;  // the nearest distance / the mean to the 2nd…51st nearest
  QString error;       // the search failed (matches empty)
};

// The nearest-training-image search behind the Nearest panel: loads the model's training set on
// a worker thread (once per folder and size for the whole process), then answers searches there.
// While a search runs, only the newest request waits; the others are dropped (scrubbing).
class NearestSearch : public QObject {
  Q_OBJECT

 public:
  enum class State { NoModel, NotApplicable, Unknown, Loading, Ready, Failed };

  explicit NearestSearch(QObject* parent = nullptr);
  ~NearestSearch() override;

  void setModel(ModelInfoPtr info);
  // The k nearest training images to the frame's x̂0 (the final image at the last step).
  void find(FramePtr frame, int k);

  State state() const { return state_; }
  QString message() const { return message_; }  // what the state means, in plain words
  QString folder() const { return folder_; }
  qint64 size() const;

 Q_SIGNALS:
  void stateChanged();
  void found(const emergence::ui::NearestResult& result);

 private:
  struct Mailbox;
  void setState(State state, const QString& message);
  void onLoaded(quint64 epoch, std::shared_ptr<const emergence::TrainingImages> set,
                const QString& folder, const QString& problem, bool unknown);
  void launch();
  void onFound(quint64 epoch, const NearestResult& result);

  std::shared_ptr<Mailbox> mailbox_;
  QThreadPool* pool_;
  ModelInfoPtr model_;
  std::shared_ptr<const emergence::TrainingImages> set_;
  State state_ = State::NoModel;
  QString message_;
  QString folder_;
  quint64 epoch_ = 0;  // bumped per model: answers for an older one are dropped
  bool busy_ = false;
  FramePtr pending_;
  int pending_k_ = 0;
};

}  // namespace emergence::ui
