#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

namespace emergence::ui {

// What the training window asks the worker to do: one `emergence train` run, fresh or resumed.
struct TrainPlan {
  QString data_dir;
  bool subfolder_classes = false;
  int resolution = 32;
  int steps = 6000;
  int batch = 32;
  QString channels = QStringLiteral("16,32,96");
  QString out_dir;
  int samples_every = 100;
  int log_every = 10;
  bool overwrite = false;  // replace an earlier model in out_dir

  QString workDir() const { return out_dir + QStringLiteral(".train"); }
  // The words after "emergence train --progress-json". A resumed run takes its batch and UNet
  // from the checkpoint.
  QStringList arguments(bool resume) const;
};

// A preset of the settings, for 32 px images.
struct TrainPreset {
  QString name;
  int steps;
  int batch;
  QString channels;
};
QList<TrainPreset> train_presets();

// The plan of a run lives in its work folder (run.json) so that a later session can resume it;
// the settings list the work folders of runs not finished yet.
void save_plan(const TrainPlan& plan);
// False when `work_dir` holds no readable run.json.
bool load_plan(const QString& work_dir, TrainPlan& plan);
void remember_unfinished(const QString& work_dir);
void forget_unfinished(const QString& work_dir);
// The remembered runs that can still be resumed (a checkpoint and a plan in the work folder).
QList<TrainPlan> unfinished_runs();
// The work folder's loss.csv as (step, smoothed loss) points, every `stride`-th row.
QVector<QPointF> read_loss_log(const QString& work_dir, int stride = 1);

}  // namespace emergence::ui
