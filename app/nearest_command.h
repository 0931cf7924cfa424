#pragma once

#include <string>
#include <vector>

namespace emergence {
struct ModelInfo;
}  // namespace emergence

namespace emergence::app {

// `emergence nearest --image FILE [--model DIR] [--data DIR] [--k 3]`: the k training images
// closest to an image (pixel-space Euclidean distance at the model's resolution). Without --data,
// a model whose classes are the emoji groups is compared with the emoji set, re-rendered from the
// installed font once and cached under ~/.cache/emergence/emoji-SIZE/.
int run_nearest_command(const std::vector<std::string>& args);

// The emoji training set of a model trained on it (the built-in model, or classes that are the
// emoji subgroups or groups), rendered into the cache when missing; empty for other models.
std::string emoji_training_folder(const ModelInfo& info);

// The cached emoji training set at `size` px, rendered (needs Qt and the font) when missing.
std::string emoji_dataset_cache(int size);

}  // namespace emergence::app
