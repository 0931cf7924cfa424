#include "staged_output.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace emergence {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStagingPrefix = ".emergence-export-";

// Staging folders of exports whose process died (killed, crashed, power cut) are removed by the
// next export into the same folder. The owner's pid is in the name; kill(pid, 0) failing with
// ESRCH means it is gone (EPERM: alive, another user's, left alone).
void remove_abandoned_staging(const std::string& folder) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kStagingPrefix, 0) != 0 || !entry.is_directory(ec)) {
      continue;
    }
    const std::string rest = name.substr(std::strlen(kStagingPrefix));
    const pid_t pid = static_cast<pid_t>(std::strtol(rest.c_str(), nullptr, 10));
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
}

}  // namespace

StagedOutput::StagedOutput(const std::string& folder, std::vector<std::string> names,
                           bool overwrite, FileSink& sink)
    : folder_(folder), names_(std::move(names)), overwrite_(overwrite), sink_(sink) {
  std::error_code ec;
  if (!fs::is_directory(folder_, ec)) {
    fs::create_directories(folder_, ec);
    if (ec) {
      throw Error("cannot create export folder " + folder_ + ": " + ec.message());
    }
  }
  if (!overwrite_) {
    const std::vector<std::string> existing = existing_files(folder_, names_);
    if (!existing.empty()) {
      throw Error(existing.front() + " already exists (" + std::to_string(existing.size()) +
                  " file(s) would be replaced); choose another name or allow overwriting "
                  "(--overwrite)");
    }
  }
  remove_abandoned_staging(folder_);
  static std::atomic<int> counter{0};
  staging_ = (fs::path(folder_) / (std::string(kStagingPrefix) + std::to_string(::getpid()) + "-" +
                                   std::to_string(counter++)))
                 .string();
  if (!fs::create_directory(staging_, ec) || ec) {
    throw Error("cannot write to export folder " + folder_ + ": " +
                (ec ? ec.message() : std::string("a staging folder of that name exists")));
  }
}

StagedOutput::~StagedOutput() { remove_staging(); }

void StagedOutput::remove_staging() {
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void StagedOutput::write(const std::string& name, const std::vector<uint8_t>& bytes) {
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
    throw Error("export: " + name + " was not planned");
  }
  const std::string staged = (fs::path(staging_) / name).string();
  std::string reason;
  if (!sink_.write_file(staged, bytes.data(), bytes.size(), reason)) {
    std::error_code ignored;
    fs::remove(staged, ignored);
    throw Error("cannot write " + (fs::path(folder_) / name).string() + ": " + reason);
  }
  written_.push_back(name);
  bytes_ += bytes.size();
}

std::vector<std::string> StagedOutput::commit() {
  std::vector<std::string> moved;
  for (const std::string& name : names_) {
    if (std::find(written_.begin(), written_.end(), name) == written_.end()) {
      continue;
    }
    const fs::path target = fs::path(folder_) / name;
    std::error_code ec;
    // Something may have appeared under the name while the export ran.
    if (!overwrite_ && fs::exists(target, ec)) {
      ec = std::make_error_code(std::errc::file_exists);
    } else {
      fs::rename(fs::path(staging_) / name, target, ec);
    }
    if (ec) {
      for (const std::string& path : moved) {
        std::error_code ignored;
        fs::remove(path, ignored);
      }
      throw Error("cannot move the export into place as " + target.string() + ": " + ec.message());
    }
    moved.push_back(target.string());
  }
  remove_staging();
  return moved;
}

std::vector<std::string> existing_files(const std::string& folder,
                                        const std::vector<std::string>& names) {
  std::vector<std::string> existing;
  for (const std::string& name : names) {
    const fs::path path = fs::path(folder) / name;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec))) {
      existing.push_back(path.string());
    }
  }
  return existing;
}

}  // namespace emergence
