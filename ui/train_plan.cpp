#include "train_plan.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>
#include <algorithm>

namespace emergence::ui {
namespace {

const QString kPlanFile = QStringLiteral("run.json");
const QString kUnfinishedKey = QStringLiteral("training/unfinished");

}  // namespace

QStringList TrainPlan::arguments(bool resume) const {
  QStringList words = {QStringLiteral("--data"),       data_dir,
                       QStringLiteral("--out"),        out_dir,
                       QStringLiteral("--work"),       workDir(),
                       QStringLiteral("--resolution"), QString::number(resolution),
                       QStringLiteral("--steps"),      QString::number(steps),
                       QStringLiteral("--log-every"),  QString::number(log_every)};
  if (samples_every > 0) {
    words << QStringLiteral("--samples-every") << QString::number(samples_every);
  }
  if (subfolder_classes) {
    words << QStringLiteral("--classes");
  }
  if (resume) {
    words << QStringLiteral("--resume");
  } else {
    words << QStringLiteral("--batch") << QString::number(batch) << QStringLiteral("--channels")
          << channels;
    if (overwrite) {
      words << QStringLiteral("--overwrite");
    }
  }
  return words;
}

// Why these, for 32 px images on a CPU (the built-in emoji model's size and hardware):
// - Quick: a narrower bottom level than the standard UNet and half its batch for 1500 steps,
//   about 1/30 of the long run's compute. Colours and rough shapes per class show within
//   minutes: a check that the data and classes train before spending hours.
// - Standard: the built-in model's UNet and batch (16,32,96 at batch 32, chosen for a guided
//   step within 20 ms on one core, docs/training.md) for 6000 steps, under a third of its
//   schedule.
// - Long: the built-in model's full recipe (TrainerOptions' defaults, 20000 steps).
QList<TrainPreset> train_presets() {
  return {{QObject::tr("Quick"), 1500, 16, QStringLiteral("16,32,64")},
          {QObject::tr("Standard"), 6000, 32, QStringLiteral("16,32,96")},
          {QObject::tr("Long"), 20000, 32, QStringLiteral("16,32,96")}};
}

void save_plan(const TrainPlan& plan) {
  QDir().mkpath(plan.workDir());
  const QJsonObject json = {{QStringLiteral("data"), plan.data_dir},
                            {QStringLiteral("classes"), plan.subfolder_classes},
                            {QStringLiteral("resolution"), plan.resolution},
                            {QStringLiteral("steps"), plan.steps},
                            {QStringLiteral("batch"), plan.batch},
                            {QStringLiteral("channels"), plan.channels},
                            {QStringLiteral("out"), plan.out_dir},
                            {QStringLiteral("samples_every"), plan.samples_every},
                            {QStringLiteral("log_every"), plan.log_every}};
  QSaveFile file(QDir(plan.workDir()).filePath(kPlanFile));
  if (file.open(QIODevice::WriteOnly)) {
    file.write(QJsonDocument(json).toJson());
    file.commit();
  }
}

bool load_plan(const QString& work_dir, TrainPlan& plan) {
  QFile file(QDir(work_dir).filePath(kPlanFile));
  if (!file.open(QIODevice::ReadOnly)) {
    return false;
  }
  const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
  if (!json.contains(QStringLiteral("out")) || !json.contains(QStringLiteral("data"))) {
    return false;
  }
  plan.data_dir = json.value(QStringLiteral("data")).toString();
  plan.subfolder_classes = json.value(QStringLiteral("classes")).toBool();
  plan.resolution = json.value(QStringLiteral("resolution")).toInt(plan.resolution);
  plan.steps = json.value(QStringLiteral("steps")).toInt(plan.steps);
  plan.batch = json.value(QStringLiteral("batch")).toInt(plan.batch);
  plan.channels = json.value(QStringLiteral("channels")).toString(plan.channels);
  plan.out_dir = json.value(QStringLiteral("out")).toString();
  plan.samples_every = json.value(QStringLiteral("samples_every")).toInt(plan.samples_every);
  plan.log_every = json.value(QStringLiteral("log_every")).toInt(plan.log_every);
  return plan.workDir() == work_dir || QDir(plan.workDir()) == QDir(work_dir);
}

void remember_unfinished(const QString& work_dir) {
  QSettings settings;
  QStringList runs = settings.value(kUnfinishedKey).toStringList();
  runs.removeAll(work_dir);
  runs.prepend(work_dir);
  settings.setValue(kUnfinishedKey, runs);
}

void forget_unfinished(const QString& work_dir) {
  QSettings settings;
  QStringList runs = settings.value(kUnfinishedKey).toStringList();
  runs.removeAll(work_dir);
  settings.setValue(kUnfinishedKey, runs);
}

QList<TrainPlan> unfinished_runs() {
  QList<TrainPlan> plans;
  for (const QString& work : QSettings().value(kUnfinishedKey).toStringList()) {
    TrainPlan plan;
    if (!load_plan(work, plan) ||
        !QFile::exists(QDir(work).filePath(QStringLiteral("checkpoint.pt")))) {
      continue;
    }
    // A worker that outlived its window finished on its own: nothing is left to resume.
    const QVector<QPointF> log = read_loss_log(work);
    const bool done =
        !log.isEmpty() && log.last().x() >= plan.steps &&
        QFile::exists(QDir(plan.out_dir).filePath(QStringLiteral("model_index.json")));
    if (!done) {
      plans.append(plan);
    }
  }
  return plans;
}

QVector<QPointF> read_loss_log(const QString& work_dir, int stride) {
  QVector<QPointF> points;
  QFile file(QDir(work_dir).filePath(QStringLiteral("loss.csv")));
  if (!file.open(QIODevice::ReadOnly)) {
    return points;
  }
  file.readLine();  // step,loss,smoothed_loss,lr,seconds
  for (int row = 0; !file.atEnd(); ++row) {
    const QList<QByteArray> fields = file.readLine().split(',');
    bool step_ok = false;
    bool loss_ok = false;
    const int step = fields.value(0).toInt(&step_ok);
    const double loss = fields.value(2).toDouble(&loss_ok);
    if (step_ok && loss_ok && row % std::max(1, stride) == 0) {
      points.append(QPointF(step, loss));
    }
  }
  return points;
}

}  // namespace emergence::ui
