#include "settings_store.h"

#include "core/generation_params.h"
#include "core/sampler.h"
#include "core/timestep_spacing.h"

namespace emergence::ui {
namespace {

constexpr int kRecentModels = 8;

}  // namespace

void SettingsStore::loadParams(GenerationParams& p) const {
  const QString sampler = settings_.value("controls/sampler").toString();
  for (const std::string& name : sampler_names()) {
    if (sampler.toStdString() == name) {
      p.sampler = name;
    }
  }
  const QString spacing = settings_.value("controls/spacing").toString();
  for (const std::string& name : spacing_names()) {
    if (spacing.toStdString() == name) {
      p.spacing = parse_spacing(name);
    }
  }
  p.steps = settings_.value("controls/steps", p.steps).toInt();
  p.shift = settings_.value("controls/shift", p.shift).toDouble();
  p.eta = settings_.value("controls/eta", p.eta).toDouble();
  p.seed = settings_.value("controls/seed", quint64(p.seed)).toULongLong();
  p.class_label = settings_.value("controls/class", qint64(p.class_label)).toLongLong();
  p.guidance_scale = settings_.value("controls/guidance", p.guidance_scale).toDouble();
  p.prompt =
      settings_.value("prompt/text", QString::fromStdString(p.prompt)).toString().toStdString();
  p.negative_prompt = settings_.value("prompt/negative", QString::fromStdString(p.negative_prompt))
                          .toString()
                          .toStdString();
  p.width = settings_.value("prompt/width", p.width).toInt();
  p.height = settings_.value("prompt/height", p.height).toInt();
  p.clip_skip = settings_.value("prompt/clip_skip", p.clip_skip).toInt();
}

void SettingsStore::saveParams(const GenerationParams& p) {
  settings_.setValue("controls/sampler", QString::fromStdString(p.sampler));
  settings_.setValue("controls/spacing", QString::fromStdString(to_string(p.spacing)));
  settings_.setValue("controls/steps", p.steps);
  settings_.setValue("controls/shift", p.shift);
  settings_.setValue("controls/eta", p.eta);
  settings_.setValue("controls/seed", quint64(p.seed));
  settings_.setValue("controls/class", qint64(p.class_label));
  settings_.setValue("controls/guidance", p.guidance_scale);
  // A pixel model's params carry no prompt: the last prompt model's stay for the next one.
  if (is_prompt_run(p)) {
    settings_.setValue("prompt/text", QString::fromStdString(p.prompt));
    settings_.setValue("prompt/negative", QString::fromStdString(p.negative_prompt));
    settings_.setValue("prompt/width", p.width);
    settings_.setValue("prompt/height", p.height);
    settings_.setValue("prompt/clip_skip", p.clip_skip);
  }
}

QString SettingsStore::lastModel() const { return settings_.value("model/last").toString(); }

void SettingsStore::setLastModel(const QString& folder) {
  settings_.setValue("model/last", folder);
}

QStringList SettingsStore::recentModels() const {
  return settings_.value("model/recent").toStringList();
}

void SettingsStore::addRecentModel(const QString& folder) {
  QStringList recent = recentModels();
  recent.removeAll(folder);
  recent.prepend(folder);
  while (recent.size() > kRecentModels) {
    recent.removeLast();
  }
  settings_.setValue("model/recent", recent);
}

bool SettingsStore::value(const QString& key, bool fallback) const {
  return settings_.value(key, fallback).toBool();
}

int SettingsStore::value(const QString& key, int fallback) const {
  return settings_.value(key, fallback).toInt();
}

double SettingsStore::value(const QString& key, double fallback) const {
  bool ok = false;
  const double v = settings_.value(key, fallback).toDouble(&ok);
  return ok ? v : fallback;
}

QString SettingsStore::value(const QString& key, const QString& fallback) const {
  return settings_.value(key, fallback).toString();
}

void SettingsStore::setValue(const QString& key, const QVariant& value) {
  settings_.setValue(key, value);
}

QByteArray SettingsStore::geometry() const {
  return settings_.value("window/geometry").toByteArray();
}

QByteArray SettingsStore::windowState() const {
  return settings_.value("window/state").toByteArray();
}

void SettingsStore::saveWindow(const QByteArray& geometry, const QByteArray& state) {
  settings_.setValue("window/geometry", geometry);
  settings_.setValue("window/state", state);
}

}  // namespace emergence::ui
