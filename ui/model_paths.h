#pragma once

#include <QString>

namespace emergence::ui {

// Whether a file opens as a model: a .safetensors checkpoint, or a diffusers folder's
// model_index.json or config.json.
bool is_model_file(const QString& path);
// The model a picked or dropped file stands for: a folder's model_index.json, config.json, or
// weights lying beside a config.json open that folder; any other .safetensors file is a
// single-file checkpoint.
QString model_path_for_file(const QString& path);

}  // namespace emergence::ui
