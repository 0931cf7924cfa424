// The class picker: classes under their group's heading, a search that filters as one types,
// the keys, and the picked class reaching the run's parameters.
#include <gtest/gtest.h>

#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include "core/diffusion_model.h"
#include "core/generation_params.h"
#include "core/trajectory.h"
#include "ui/class_picker.h"
#include "ui/controls_panel.h"
#include "ui/run_history.h"

namespace emergence::ui::test {
namespace {

// Six classes in three groups; "heart" comes last but sits under its group's heading.
ModelInfoPtr grouped_model() {
  auto info = std::make_shared<ModelInfo>();
  info->class_names = {"face-smiling", "animal-mammal", "animal-bird",
                       "food-fruit",   "drink",         "heart"};
  info->class_groups = {"Smileys & Emotion", "Animals & Nature", "Animals & Nature",
                        "Food & Drink",      "Food & Drink",     "Smileys & Emotion"};
  return info;
}

QLabel* no_match_label(ClassPicker* picker) { return picker->searchPopup()->findChild<QLabel*>(); }

TEST(ClassPickerTest, ClassesSitUnderTheirGroupsHeadingsWhichCannotBePicked) {
  ControlsPanel panel;
  panel.setModelInfo(grouped_model());
  ClassPicker* picker = panel.classPicker();
  ASSERT_TRUE(picker->searchable());
  picker->showPopup();
  EXPECT_TRUE(picker->searchPopup()->isVisible());
  EXPECT_TRUE(picker->searchBox()->hasFocus());
  EXPECT_EQ(picker->shownRows(),
            QStringList({"Unconditional", "# Smileys & Emotion", "face-smiling", "heart",
                         "# Animals & Nature", "animal-mammal", "animal-bird", "# Food & Drink",
                         "food-fruit", "drink"}));
  // The popup opens on the class in use (the first real one by default).
  EXPECT_EQ(panel.params().class_label, 0);
  EXPECT_EQ(picker->highlightedClass(), 0);

  // A click on a heading picks nothing; a click on a class picks it.
  QTreeView* list = picker->classList();
  const QModelIndex heading = list->model()->index(1, 0);
  ASSERT_EQ(heading.data().toString(), QStringLiteral("Smileys & Emotion"));
  EXPECT_FALSE(heading.flags().testFlag(Qt::ItemIsSelectable));
  QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(heading).center());
  EXPECT_TRUE(picker->searchPopup()->isVisible());
  EXPECT_EQ(panel.params().class_label, 0);
  const QModelIndex heart = list->model()->index(1, 0, heading);
  ASSERT_EQ(heart.data().toString(), QStringLiteral("heart"));
  QSignalSpy changed(&panel, &ControlsPanel::paramsChanged);
  QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(heart).center());
  EXPECT_FALSE(picker->searchPopup()->isVisible());
  EXPECT_EQ(picker->currentText(), QStringLiteral("heart"));
  EXPECT_EQ(panel.params().class_label, 5);
  EXPECT_EQ(changed.count(), 1);
}

TEST(ClassPickerTest, TypingFiltersByClassAndGroupAndEnterPicksTheFirstMatch) {
  ControlsPanel panel;
  panel.setModelInfo(grouped_model());
  ClassPicker* picker = panel.classPicker();
  picker->showPopup();
  QLineEdit* search = picker->searchBox();

  QTest::keyClicks(search, QStringLiteral("ANIM"));  // case-insensitive
  EXPECT_EQ(picker->shownRows(),
            QStringList({"# Animals & Nature", "animal-mammal", "animal-bird"}));
  EXPECT_EQ(picker->highlightedClass(), 1);
  search->clear();
  QTest::keyClicks(search, QStringLiteral("drink"));  // the group's name finds all its classes
  EXPECT_EQ(picker->shownRows(), QStringList({"# Food & Drink", "food-fruit", "drink"}));
  search->clear();
  QTest::keyClicks(search, QStringLiteral("face smil"));  // "-" reads as a space
  EXPECT_EQ(picker->shownRows(), QStringList({"# Smileys & Emotion", "face-smiling"}));

  search->clear();
  QTest::keyClicks(search, QStringLiteral("zebra"));
  EXPECT_TRUE(picker->shownRows().isEmpty());
  EXPECT_TRUE(no_match_label(picker)->isVisibleTo(picker->searchPopup()));
  EXPECT_TRUE(no_match_label(picker)->text().contains(QStringLiteral("zebra")));
  QTest::keyClick(search, Qt::Key_Return);  // nothing to pick: the popup stays
  EXPECT_TRUE(picker->searchPopup()->isVisible());
  EXPECT_EQ(panel.params().class_label, 0);

  // Esc clears the search first, then closes the popup.
  QTest::keyClick(search, Qt::Key_Escape);
  EXPECT_TRUE(search->text().isEmpty());
  EXPECT_TRUE(picker->searchPopup()->isVisible());
  EXPECT_EQ(picker->shownRows().size(), 10);
  QTest::keyClick(search, Qt::Key_Escape);
  EXPECT_FALSE(picker->searchPopup()->isVisible());
  EXPECT_EQ(panel.params().class_label, 0);

  picker->showPopup();
  QTest::keyClicks(search, QStringLiteral("nature"));
  QSignalSpy changed(&panel, &ControlsPanel::paramsChanged);
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_FALSE(picker->searchPopup()->isVisible());
  EXPECT_EQ(picker->currentText(), QStringLiteral("animal-mammal"));
  EXPECT_EQ(panel.params().class_label, 1);
  EXPECT_EQ(changed.count(), 1);
}

TEST(ClassPickerTest, ArrowsMoveOverClassesOnlyAndTypingOnThePickerOpensTheSearch) {
  ControlsPanel panel;
  panel.setModelInfo(grouped_model());
  ClassPicker* picker = panel.classPicker();
  picker->showPopup();
  QLineEdit* search = picker->searchBox();
  EXPECT_EQ(picker->highlightedClass(), 0);  // face-smiling
  QTest::keyClick(search, Qt::Key_Down);
  EXPECT_EQ(picker->highlightedClass(), 5);  // heart, the next row under the same heading
  QTest::keyClick(search, Qt::Key_Down);
  EXPECT_EQ(picker->highlightedClass(), 1);  // over the "Animals & Nature" heading
  QTest::keyClick(search, Qt::Key_Up);
  QTest::keyClick(search, Qt::Key_Up);
  QTest::keyClick(search, Qt::Key_Up);
  EXPECT_EQ(picker->highlightedClass(), -1);  // "Unconditional", the first row
  QTest::keyClick(search, Qt::Key_Up);
  EXPECT_EQ(picker->highlightedClass(), -1);
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_EQ(panel.params().class_label, -1);
  EXPECT_FALSE(panel.guidanceBox()->isEnabled());  // as with the plain combo: no class, no guidance

  QTest::keyClick(picker, Qt::Key_H);  // on the closed picker
  ASSERT_TRUE(picker->searchPopup()->isVisible());
  EXPECT_EQ(search->text(), QStringLiteral("h"));
  EXPECT_EQ(picker->shownRows(), QStringList({"# Smileys & Emotion", "heart"}));
  QTest::keyClick(search, Qt::Key_Enter);
  EXPECT_EQ(panel.params().class_label, 5);
  EXPECT_TRUE(panel.guidanceBox()->isEnabled());
}

TEST(ClassPickerTest, UngroupedModelsKeepTheFlatListWithASearchOnlyForManyClasses) {
  ControlsPanel panel;
  auto few = std::make_shared<ModelInfo>();
  few->class_names = {"cat", "dog"};
  panel.setModelInfo(few);
  ClassPicker* picker = panel.classPicker();
  EXPECT_FALSE(picker->searchable());
  ASSERT_EQ(picker->count(), 3);
  EXPECT_EQ(picker->itemText(0), QStringLiteral("Unconditional"));
  EXPECT_EQ(picker->itemText(2), QStringLiteral("dog"));

  auto many = std::make_shared<ModelInfo>();
  for (int i = 0; i < 20; ++i) {
    many->class_names.push_back("digit " + std::to_string(i));
  }
  many->class_groups = {"only one group for twenty classes"};  // wrong length: no groups
  panel.setModelInfo(many);
  ASSERT_TRUE(picker->searchable());
  picker->showPopup();
  EXPECT_EQ(picker->shownRows().size(), 21);
  EXPECT_FALSE(picker->shownRows().join(QLatin1Char('|')).contains(QStringLiteral("# ")));
  QTest::keyClicks(picker->searchBox(), QStringLiteral("7"));
  EXPECT_EQ(picker->shownRows(), QStringList({"digit 7", "digit 17"}));
  QTest::keyClick(picker->searchBox(), Qt::Key_Down);
  QTest::keyClick(picker->searchBox(), Qt::Key_Return);
  EXPECT_EQ(panel.params().class_label, 17);

  // An unconditional model empties the picker, and its popup does not open.
  panel.setModelInfo(std::make_shared<ModelInfo>());
  EXPECT_EQ(picker->count(), 0);
  EXPECT_FALSE(picker->searchable());
  EXPECT_EQ(panel.params().class_label, -1);
}

TEST(ClassPickerTest, TheRememberedClassIsPickedWhenAGroupedModelArrives) {
  ControlsPanel panel;
  GenerationParams p;
  p.class_label = 4;
  panel.setParams(p);
  panel.setModelInfo(grouped_model());
  EXPECT_EQ(panel.classPicker()->currentText(), QStringLiteral("drink"));
  EXPECT_EQ(panel.params().class_label, 4);
  panel.classPicker()->showPopup();
  EXPECT_EQ(panel.classPicker()->highlightedClass(), 4);
}

TEST(ClassPickerTest, TheRunsListNamesTheClassOfEachRun) {
  RunHistory history;
  Trajectory run;
  run.params.class_label = 9;
  history.record(run, true, nullptr, QStringLiteral("heart"));
  history.record(run, true, nullptr);  // a session's run, before its model is known
  EXPECT_TRUE(history.tree()->topLevelItem(0)->text(0).contains(QStringLiteral("50 steps · heart")))
      << history.tree()->topLevelItem(0)->text(0).toStdString();
  EXPECT_TRUE(
      history.tree()->topLevelItem(1)->text(0).contains(QStringLiteral("50 steps · class 9")));
}

}  // namespace
}  // namespace emergence::ui::test
