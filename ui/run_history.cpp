#include "run_history.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/media/spectrum_snapshot.h"
#include "core/trajectory.h"
#include "frame_images.h"

namespace emergence::ui {
namespace {

std::size_t pixel_bytes(const Trajectory& run) {
  std::size_t bytes = 0;
  for (const auto& frame : run.frames) {
    for (const Image8& view : frame->views) {
      bytes += view.pixels.size();
    }
    bytes += frame->decoded_x0.pixels.size();  // a latent model's TAESD preview, at image size
  }
  return bytes;
}

QString describe(const GenerationParams& p, int number, const QString& class_name) {
  QString text = p.parent ? QObject::tr("#%1 ↳ step %2: ").arg(number).arg(p.branch_step)
                          : QObject::tr("#%1 ").arg(number);
  text += QObject::tr("seed %1 · %2, %3 steps")
              .arg(p.seed)
              .arg(QString::fromStdString(p.sampler))
              .arg(p.steps);
  if (!class_name.isEmpty()) {
    text += QObject::tr(" · %1").arg(class_name);
  } else if (p.class_label >= 0) {
    text += QObject::tr(" · class %1").arg(p.class_label);
  }
  if (p.variation_strength > 0) {
    text += QObject::tr(" · variation %1 (%2)").arg(p.variation_seed).arg(p.variation_strength);
  }
  return text;
}

QString kMadeAgain() { return QObject::tr(" (made again when picked)"); }

}  // namespace

struct RunHistory::Entry {
  bool completed = true;
  Trajectory run;
  std::shared_ptr<const SpectralSnapshot> spectrum;
  std::string key;  // to_json(params).dump(): how a branch finds its parent
  QTreeWidgetItem* item = nullptr;
  std::size_t bytes = 0;
};

RunHistory::RunHistory(QWidget* parent)
    : QWidget(parent), tree_(new QTreeWidget(this)), summary_(new QLabel(this)) {
  tree_->setHeaderHidden(true);
  tree_->setIconSize(QSize(40, 40));
  tree_->setRootIsDecorated(true);
  tree_->setToolTip(
      tr("Every run of this session; branches sit under the run they branched from. "
         "Click one to bring back its steps and settings."));
  summary_->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(tree_);
  layout->addWidget(summary_);
  connect(tree_, &QTreeWidget::itemClicked, this,
          [this](QTreeWidgetItem* item) { pick(item->data(0, Qt::UserRole).toInt()); });
  connect(tree_, &QTreeWidget::itemActivated, this,
          [this](QTreeWidgetItem* item) { pick(item->data(0, Qt::UserRole).toInt()); });
  updateSummary();
}

RunHistory::~RunHistory() = default;

void RunHistory::record(const Trajectory& run, bool completed,
                        std::shared_ptr<const SpectralSnapshot> spectrum,
                        const QString& class_name) {
  auto entry = std::make_unique<Entry>();
  entry->run = run;
  entry->spectrum = std::move(spectrum);
  entry->key = to_json(run.params).dump();
  entry->bytes = pixel_bytes(run);
  entry->completed = completed;
  const int number = static_cast<int>(runs_.size()) + 1;
  QTreeWidgetItem* parent_item = nullptr;
  if (run.params.parent) {
    const std::string parent_key = to_json(*run.params.parent).dump();
    for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
      if ((*it)->key == parent_key) {
        parent_item = (*it)->item;
        break;
      }
    }
  }
  entry->item = parent_item ? new QTreeWidgetItem(parent_item) : new QTreeWidgetItem(tree_);
  entry->item->setText(
      0, describe(run.params, number, class_name) + (completed ? "" : tr(" (stopped)")));
  entry->item->setToolTip(0, QString::fromStdString(to_parameters_line(run.params)));
  entry->item->setData(0, Qt::UserRole, number - 1);
  if (run.frames.empty()) {
    entry->item->setText(0, entry->item->text(0) + kMadeAgain());
  } else {
    const auto& last = run.frames.back();
    entry->item->setIcon(0,
                         QPixmap::fromImage(to_qimage(last, last->view(View::NoisyState)).copy()));
  }
  if (parent_item) {
    parent_item->setExpanded(true);
  }
  runs_.push_back(std::move(entry));
  tree_->setCurrentItem(runs_.back()->item);
  enforceBudget();
  updateSummary();
}

bool RunHistory::completed(int i) const { return runs_.at(static_cast<size_t>(i))->completed; }

void RunHistory::clear() {
  tree_->clear();
  runs_.clear();
  updateSummary();
}

int RunHistory::runCount() const { return static_cast<int>(runs_.size()); }

std::size_t RunHistory::keptBytes() const {
  std::size_t bytes = 0;
  for (const auto& entry : runs_) {
    bytes += entry->run.frames.empty() ? 0 : entry->bytes;
  }
  return bytes;
}

void RunHistory::pick(int run) {
  if (run < 0 || run >= runCount()) {
    return;
  }
  tree_->setCurrentItem(runs_[static_cast<size_t>(run)]->item);
  Q_EMIT runPicked(run);
}

const Trajectory& RunHistory::run(int i) const { return runs_.at(static_cast<size_t>(i))->run; }

std::shared_ptr<const SpectralSnapshot> RunHistory::spectrum(int i) const {
  return runs_.at(static_cast<size_t>(i))->spectrum;
}

void RunHistory::enforceBudget() {
  std::size_t kept = keptBytes();
  for (auto& entry : runs_) {
    if (kept <= kFrameBudgetBytes) {
      break;
    }
    if (!entry->run.frames.empty() && entry != runs_.back()) {
      kept -= entry->bytes;
      entry->run.frames.clear();
      entry->spectrum.reset();
      entry->item->setText(0, entry->item->text(0) + kMadeAgain());
    }
  }
}

void RunHistory::updateSummary() {
  summary_->setText(runs_.empty() ? tr("Runs appear here as they end.")
                                  : tr("%n run(s); steps kept: %1 MB of %2 MB", "", runCount())
                                        .arg(keptBytes() / 1e6, 0, 'f', 1)
                                        .arg(kFrameBudgetBytes >> 20));
}

}  // namespace emergence::ui
