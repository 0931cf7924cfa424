#include "builtin_model.h"

#include <filesystem>
#include <vector>

namespace emergence::app {

std::string builtin_model_dir() {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  std::vector<fs::path> candidates;
  if (!error) {
    const fs::path bin = exe.parent_path();
    candidates.push_back(bin / ".." / "share" / "emergence" / "models" / "emoji");
    candidates.push_back(bin / ".." / ".." / "resources" / "models" / "emoji");
  }
#ifdef EMERGENCE_SOURCE_DIR
  // Development builds configured outside the source tree (e.g. /tmp/build).
  candidates.push_back(fs::path(EMERGENCE_SOURCE_DIR) / "resources" / "models" / "emoji");
#endif
  for (const fs::path& candidate : candidates) {
    if (fs::is_directory(candidate, error)) {
      return candidate.lexically_normal().string();
    }
  }
  return {};
}

}  // namespace emergence::app
