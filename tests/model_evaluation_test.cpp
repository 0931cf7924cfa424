// emergence evaluate's class and group agreement.
#include "core/media/model_evaluation.h"

#include <gtest/gtest.h>

namespace emergence {
namespace {

TrainingData subgroup_data() {
  TrainingData data;
  data.class_names = {"face-smiling", "heart", "animal-mammal"};
  data.class_groups = {"Smileys", "Smileys", "Animals"};
  return data;
}

TEST(ModelEvaluation, SubgroupModelAgreesByClassAndByGroup) {
  ModelInfo model;
  model.class_names = subgroup_data().class_names;
  model.class_groups = subgroup_data().class_groups;
  ModelEvaluation out;
  // Asked face-smiling: saw face-smiling (both), heart (group only); asked mammal: saw heart.
  measure_agreement({0, 0, 2}, {0, 1, 1}, model, subgroup_data(), out);
  EXPECT_DOUBLE_EQ(out.class_agreement, 1.0 / 3);
  EXPECT_DOUBLE_EQ(out.group_agreement, 2.0 / 3);
  EXPECT_EQ(out.per_class[0].requested, 2);
  EXPECT_EQ(out.per_class[0].agreeing_class, 1);
  EXPECT_EQ(out.per_class[0].agreeing_group, 2);
  EXPECT_EQ(out.per_class[2].agreeing_group, 0);
}

TEST(ModelEvaluation, GroupModelOnSubgroupDataAgreesOnlyByGroup) {
  ModelInfo model;  // the first built-in model: its classes are the groups, without headings
  model.class_names = {"Smileys", "Animals"};
  ModelEvaluation out;
  measure_agreement({0, 1, 1}, {1, 2, 0}, model, subgroup_data(), out);
  EXPECT_LT(out.class_agreement, 0);  // not measurable: other classes
  EXPECT_DOUBLE_EQ(out.group_agreement, 2.0 / 3);
}

}  // namespace
}  // namespace emergence
