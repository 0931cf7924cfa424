#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence nearest --image FILE [--model DIR] [--data DIR] [--k 3]`: the k training images
// closest to an image (pixel-space Euclidean distance at the model's resolution). Without --data,
// a model whose classes are the emoji groups is compared with the emoji set, re-rendered from the
// installed font once and cached under ~/.cache/emergence/emoji-SIZE/.
int run_nearest_command(const std::vector<std::string>& args);

// The cached emoji training set at `size` px, rendered (needs Qt and the font) when missing.
std::string emoji_dataset_cache(int size);

}  // namespace emergence::app
