#pragma once

#include <QWidget>
#include <memory>
#include <vector>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace emergence {
struct GenerationParams;
struct SpectralSnapshot;
struct Trajectory;
}  // namespace emergence

namespace emergence::ui {

// Every run of the session as a tree: a branch sits under the run it branched from. Picking one
// gives its frames back at once while they are kept; frames are kept for the newest runs within
// a memory budget, and an older run is made again from its parameters.
class RunHistory : public QWidget {
  Q_OBJECT

 public:
  static constexpr std::size_t kFrameBudgetBytes = 512u << 20;

  explicit RunHistory(QWidget* parent = nullptr);
  ~RunHistory() override;

  // Records a run that ended (completed or stopped) with its spectrum (may be null); its frames
  // are shared, not copied. A run without frames (from a session file) is made again when picked.
  // The list names the run's class by `class_name` when given, else by its number.
  void record(const Trajectory& run, bool completed,
              std::shared_ptr<const SpectralSnapshot> spectrum, const QString& class_name = {});
  bool completed(int i) const;
  // Forgets every run (before a session is opened).
  void clear();
  int runCount() const;
  // Run i as recorded: its frames are empty once the budget let them go.
  const Trajectory& run(int i) const;
  std::shared_ptr<const SpectralSnapshot> spectrum(int i) const;
  // The runs' frames held, in bytes (within kFrameBudgetBytes).
  std::size_t keptBytes() const;
  // Picks run i (in the order recorded), as a click does.
  void pick(int run);
  QTreeWidget* tree() const { return tree_; }

 Q_SIGNALS:
  // Run i was picked: restore it (run(i)), or make it again when its frames were let go.
  void runPicked(int run);

 private:
  struct Entry;
  void enforceBudget();
  void updateSummary();

  QTreeWidget* tree_;
  QLabel* summary_;
  std::vector<std::unique_ptr<Entry>> runs_;
};

}  // namespace emergence::ui
