#include "destination_checks.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/media/image_file.h"
#include "core/staged_output.h"

namespace emergence::app {
namespace {

namespace fs = std::filesystem;

fs::path folder_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// Tries to create (and removes) a file in folder: the only test that also holds for root, ACLs
// and read-only mounts, where access(2) answers "writable".
void check_takes_new_files(const std::string& what, const fs::path& folder) {
  // A temporary name, so that a probe left by a killed check is cleaned up (recover_folder).
  const fs::path probe = folder / temporary_name("emergence-write-test");
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    throw Error(what + ": cannot write into folder " + folder.string() + ": " +
                std::strerror(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace

void check_new_file(const std::string& what, const std::string& path, bool overwrite) {
  if (path.empty()) {
    throw Error(what + " needs a file name");
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) {
    throw Error(what + " " + path + " is a folder; give a file name inside it");
  }
  const fs::path folder = folder_of(path);
  const fs::file_status folder_status = fs::status(folder, ec);
  if (!fs::exists(folder_status)) {
    throw Error(what + " " + path + ": folder " + folder.string() + " does not exist");
  }
  if (!fs::is_directory(folder_status)) {
    throw Error(what + " " + path + ": " + folder.string() + " is a file, not a folder");
  }
  check_takes_new_files(what + " " + path, folder);
  recover_folder(folder.string());
  check_not_existing(what, {path}, overwrite);
}

void check_new_image(const std::string& what, const std::string& path, bool overwrite) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    check_new_file(what, path, overwrite);  // says it is a folder
  }
  if (!fs::path(path).has_extension()) {
    throw Error(what + " " + path + " has no extension to say the image format; name it e.g. " +
                path + ".png");
  }
  if (!can_write_image_format(path)) {
    throw Error(what + " " + path + ": cannot write " + fs::path(path).extension().string() +
                " images; use .png (or .jpg, .bmp, .tif, .webp)");
  }
  check_new_file(what, path, overwrite);
}

void check_output_folder(const std::string& what, const std::string& folder) {
  std::error_code ec;
  const fs::path target = folder.empty() ? fs::path(".") : fs::path(folder);
  fs::path existing = target;
  // The nearest part of the path that exists: create_directories makes the rest.
  while (!fs::exists(fs::symlink_status(existing, ec)) && existing.has_parent_path() &&
         existing.parent_path() != existing) {
    existing = existing.parent_path();
  }
  if (!fs::exists(existing, ec)) {
    existing = ".";
  }
  if (!fs::is_directory(existing, ec)) {
    throw Error(what + " " + folder + ": " + existing.string() + " is a file, not a folder");
  }
  check_takes_new_files(what + " " + folder, existing);
  if (existing == target) {
    recover_folder(existing.string());
  }
}

void check_not_existing(const std::string& what, const std::vector<std::string>& paths,
                        bool overwrite) {
  if (overwrite) {
    return;
  }
  std::vector<std::string> existing;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec))) {
      existing.push_back(path);
    }
  }
  if (existing.empty()) {
    return;
  }
  std::string message = what + ": " + existing.front();
  if (existing.size() > 1) {
    message += " and " + std::to_string(existing.size() - 1) + " more file" +
               (existing.size() > 2 ? "s" : "") + " exist";
  } else {
    message += " exists";
  }
  throw Error(message + " already; pass --overwrite to replace " +
              (existing.size() > 1 ? "them" : "it") + ", or choose another name");
}

}  // namespace emergence::app
