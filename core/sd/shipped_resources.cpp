#include "shipped_resources.h"

#include <filesystem>
#include <vector>

#include "core/error.h"

namespace emergence {

std::string shipped_resource(const std::string& relative) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path bin = exe.parent_path();
    candidates.push_back(bin / ".." / "share" / "emergence" / relative);
    candidates.push_back(bin / ".." / ".." / "resources" / relative);
  }
#ifdef EMERGENCE_SOURCE_DIR
  // Development builds configured outside the source tree (e.g. /tmp/build).
  candidates.push_back(fs::path(EMERGENCE_SOURCE_DIR) / "resources" / relative);
#endif
  for (const fs::path& candidate : candidates) {
    if (fs::exists(candidate, error)) {
      return candidate.lexically_normal().string();
    }
  }
  return {};
}

std::string shipped_clip_vocabulary() {
  const std::string relative = "clip/bpe_simple_vocab_16e6.txt.gz";
  const std::string found = shipped_resource(relative);
  if (found.empty()) {
    throw Error("the CLIP vocabulary " + relative + " that single-file checkpoints need is not " +
                "installed (share/emergence/" + relative + " beside the program's bin folder)");
  }
  return found;
}

}  // namespace emergence
