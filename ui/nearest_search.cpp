#include "nearest_search.h"

#include <QThreadPool>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>

#include "core/diffusion_model.h"
#include "core/display_image.h"
#include "core/media/nearest_images.h"
#include "core/trajectory.h"
#include "frame_images.h"

namespace emergence::ui {

// How worker jobs reach the search: `owner` turns null when it goes, so a job that ends after
// that posts nothing (posted events of a deleted object are dropped by Qt).
struct NearestSearch::Mailbox {
  std::mutex mutex;
  NearestSearch* owner = nullptr;

  template <typename Fn>
  void post(Fn fn) {
    std::lock_guard<std::mutex> lock(mutex);
    if (owner != nullptr) {
      QMetaObject::invokeMethod(
          owner, [o = owner, fn = std::move(fn)] { fn(o); }, Qt::QueuedConnection);
    }
  }
};

namespace {

std::mutex& finder_mutex() {
  static std::mutex mutex;
  return mutex;
}

TrainingFolderFinder& finder() {
  static TrainingFolderFinder instance;
  return instance;
}

// Training sets read so far, by folder and size: loaded once for the whole process.
std::shared_ptr<const TrainingImages> cached_training_images(const std::string& folder,
                                                             int resolution) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, int>, std::shared_ptr<const TrainingImages>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[{folder, resolution}];
  if (!slot) {
    std::ostringstream warnings;  // unreadable images are counted in `skipped`
    slot =
        std::make_shared<const TrainingImages>(load_training_images(folder, resolution, warnings));
  }
  return slot;
}

NearestResult search(const TrainingImages& set, const FramePtr& frame, int k) {
  NearestResult result;
  result.frame = frame->index;
  result.step = frame->index;
  result.total = frame->total;
  const Image8& x0 = frame->view(View::CleanGuess);
  if (!x0.empty()) {
    result.query = qimage_from_image8(x0);
  }
  try {
    const NearestImages nn = nearest_images(set.images, frame->view(View::CleanGuess), k);
    for (size_t i = 0; i < nn.indices.size(); ++i) {
      const int64_t index = nn.indices[i];
      NearestMatch match;
      match.image = qimage_from_image8(to_image8(set.images[index]));
      match.distance = nn.distances[i];
      match.file = QString::fromStdString(set.files[static_cast<size_t>(index)]);
      match.description = QString::fromStdString(set.descriptions[static_cast<size_t>(index)]);
      result.matches.append(match);
    }
    result.verdict_known = nn.verdict_known;
    result.near_copy = nn.near_copy;
    result.ratio = nn.ratio();
  } catch (const std::exception& e) {
    result.error = QString::fromUtf8(e.what());
  }
  return result;
}

}  // namespace

void set_training_folder_finder(TrainingFolderFinder f) {
  std::lock_guard<std::mutex> lock(finder_mutex());
  finder() = std::move(f);
}

NearestSearch::NearestSearch(QObject* parent)
    : QObject(parent), mailbox_(std::make_shared<Mailbox>()), pool_(new QThreadPool(this)) {
  mailbox_->owner = this;
  // One worker: the set loads before any search of it, and searches never pile up.
  pool_->setMaxThreadCount(1);
  setState(State::NoModel, tr("No model is loaded."));
}

NearestSearch::~NearestSearch() {
  {
    std::lock_guard<std::mutex> lock(mailbox_->mutex);
    mailbox_->owner = nullptr;
  }
  pool_->clear();
  pool_->waitForDone();
}

qint64 NearestSearch::size() const { return set_ ? set_->size() : 0; }

void NearestSearch::setState(State state, const QString& message) {
  state_ = state;
  message_ = message;
  Q_EMIT stateChanged();
}

void NearestSearch::setModel(ModelInfoPtr model) {
  ++epoch_;
  model_ = std::move(model);
  set_.reset();
  folder_.clear();
  pending_.reset();
  if (!model_) {
    setState(State::NoModel, tr("No model is loaded."));
    return;
  }
  if (model_->latent_scale > 1 || model_->takes_prompt) {
    setState(State::NotApplicable,
             tr("This does not apply to Stable Diffusion models: they learned from billions of web "
                "images, which are not on this computer."));
    return;
  }
  setState(State::Loading, tr("Loading the training images…"));
  const quint64 epoch = epoch_;
  const ModelInfo info = *model_;
  pool_->start([mailbox = mailbox_, epoch, info] {
    std::string folder = find_training_folder(info.training_data, info.path);
    if (folder.empty()) {
      TrainingFolderFinder find;
      {
        std::lock_guard<std::mutex> lock(finder_mutex());
        find = finder();
      }
      try {
        folder = find ? find(info) : std::string();
      } catch (const std::exception& e) {
        const QString problem = QString::fromUtf8(e.what());
        mailbox->post([=](NearestSearch* s) { s->onLoaded(epoch, nullptr, {}, problem, false); });
        return;
      }
    }
    if (folder.empty()) {
      const QString problem =
          info.training_data.empty()
              ? QString()
              : tr("The folder it was trained on, %1 (training_data in emergence.json), is not on "
                   "this computer.")
                    .arg(QString::fromStdString(info.training_data));
      mailbox->post([=](NearestSearch* s) {
        s->onLoaded(epoch, nullptr, {}, problem, info.training_data.empty());
      });
      return;
    }
    std::shared_ptr<const TrainingImages> set;
    QString problem;
    try {
      set = cached_training_images(folder, info.height);
    } catch (const std::exception& e) {
      problem = QString::fromUtf8(e.what());
    }
    const QString where = QString::fromStdString(folder);
    mailbox->post([=](NearestSearch* s) { s->onLoaded(epoch, set, where, problem, false); });
  });
}

void NearestSearch::onLoaded(quint64 epoch, std::shared_ptr<const TrainingImages> set,
                             const QString& folder, const QString& problem, bool unknown) {
  if (epoch != epoch_) {
    return;
  }
  if (unknown) {
    setState(State::Unknown,
             tr("This model's training images are not known: it was trained elsewhere, and its "
                "emergence.json has no training_data. Add \"training_data\": \"FOLDER\" there to "
                "compare with them."));
    return;
  }
  if (!set) {
    setState(State::Failed, tr("The training images could not be read: %1").arg(problem));
    return;
  }
  set_ = std::move(set);
  folder_ = folder;
  setState(State::Ready, QString());
  launch();
}

void NearestSearch::find(FramePtr frame, int k) {
  if (!frame) {
    return;
  }
  pending_ = std::move(frame);
  pending_k_ = k;
  launch();
}

void NearestSearch::launch() {
  if (busy_ || !pending_ || state_ != State::Ready) {
    return;
  }
  busy_ = true;
  FramePtr frame = std::move(pending_);
  pending_.reset();
  const quint64 epoch = epoch_;
  pool_->start([mailbox = mailbox_, epoch, set = set_, frame, k = pending_k_] {
    NearestResult result = search(*set, frame, k);
    mailbox->post([epoch, result](NearestSearch* s) { s->onFound(epoch, result); });
  });
}

void NearestSearch::onFound(quint64 epoch, const NearestResult& result) {
  busy_ = false;
  if (epoch == epoch_ && !pending_) {
    Q_EMIT found(result);  // a newer request would replace it at once: it is dropped
  }
  launch();
}

}  // namespace emergence::ui
