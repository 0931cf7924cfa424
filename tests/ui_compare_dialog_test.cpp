// The Compare view: samplers × step counts against a long run, filled in cell by cell on its own
// thread, with cancel.
#include <gtest/gtest.h>

#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSpinBox>

#include "core/generation_params.h"
#include "gui_test_support.h"
#include "ui/compare_dialog.h"

namespace emergence::ui {
namespace {

void choose_only(QListWidget* list, const QStringList& names) {
  for (int i = 0; i < list->count(); ++i) {
    list->item(i)->setCheckState(names.contains(list->item(i)->text()) ? Qt::Checked
                                                                       : Qt::Unchecked);
  }
}

TEST(CompareDialog, FillsTheGridCellByCellAndDrawsTheChart) {
  GenerationParams base;
  base.spacing = Spacing::Trailing;
  CompareDialog dialog(test::small_model_dir(), base);
  choose_only(dialog.samplerList(), {"ddim", "euler"});
  dialog.stepsEdit()->setText("2, 4");
  dialog.referenceSteps()->setValue(10);
  QSignalSpy finished(&dialog, &CompareDialog::comparisonEnded);
  int most_cells_seen = 0;
  dialog.start();
  EXPECT_TRUE(dialog.isRunning());
  ASSERT_TRUE(test::wait_until([&] {
    most_cells_seen = std::max(most_cells_seen, dialog.progressBar()->value());
    return finished.count() == 1;
  }));
  EXPECT_FALSE(finished.at(0).at(0).toBool()) << "not cancelled";
  EXPECT_EQ(dialog.progressBar()->maximum(), 5);  // the reference and 2 × 2 cells
  EXPECT_EQ(dialog.progressBar()->value(), 5);
  EXPECT_FALSE(dialog.gridImage().isNull());
  EXPECT_FALSE(dialog.chartImage().isNull());
  // Two rows of 16-px images at 3× with their captions.
  EXPECT_GT(dialog.gridImage().height(), 2 * 48);
  EXPECT_FALSE(dialog.isRunning());
}

TEST(CompareDialog, CancelStopsTheRunAndKeepsNoChart) {
  GenerationParams base;
  CompareDialog dialog(test::small_model_dir(), base);
  choose_only(dialog.samplerList(), {"ddim"});
  dialog.stepsEdit()->setText("500");
  dialog.referenceSteps()->setValue(1000);
  QSignalSpy finished(&dialog, &CompareDialog::comparisonEnded);
  dialog.start();
  dialog.cancel();
  ASSERT_TRUE(test::wait_until([&] { return finished.count() == 1; }));
  EXPECT_TRUE(finished.at(0).at(0).toBool()) << "cancelled";
  EXPECT_TRUE(dialog.chartImage().isNull());
}

TEST(CompareDialog, NamesABadStepListWithoutStarting) {
  GenerationParams base;
  CompareDialog dialog(test::small_model_dir(), base);
  dialog.stepsEdit()->setText("5,ten");
  dialog.start();
  EXPECT_FALSE(dialog.isRunning());
  EXPECT_EQ(dialog.progressBar()->value(), 0);
}

}  // namespace
}  // namespace emergence::ui
