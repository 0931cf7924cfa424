#include "staged_output.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"

namespace emergence {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStagingName = "emergence";  // the staging folder: ".emergence.tmp-PID-N"
constexpr const char* kFilesFolder = "files";
constexpr const char* kCommitFile = "commit.json";

// A name that stays inside the folder it is relative to: no root, no "..", no empty part.
bool is_inner_name(const std::string& name) {
  const fs::path path(name);
  if (name.empty() || path.is_absolute()) {
    return false;
  }
  return std::none_of(path.begin(), path.end(), [](const fs::path& part) {
    return part.empty() || part == "." || part == "..";
  });
}

// Step 2: renames staging/files/NAME to folder/NAME for each name, creating subfolders. A name no
// longer staged was moved by a writer that died after it. Stops at the first error; `moved`
// gets the final paths moved so far.
std::error_code move_into_place(const fs::path& folder, const fs::path& staging,
                                const std::vector<std::string>& names,
                                std::vector<std::string>& moved) {
  for (const std::string& name : names) {
    const fs::path source = staging / kFilesFolder / name;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(source, ec))) {
      continue;
    }
    const fs::path target = folder / name;
    fs::create_directories(target.parent_path(), ec);
    if (!ec) {
      fs::rename(source, target, ec);
    }
    if (ec) {
      return ec;
    }
    moved.push_back(target.string());
  }
  return {};
}

// Step 3 after the moves: the superseded files go, every folder that changed is synced, then the
// staging folder goes. Every file has been moved by then, so a crash part-way through removing
// it leaves nothing to undo, whether commit.json is still there (step 3 runs again) or not.
void finish(const fs::path& folder, const fs::path& staging, const std::vector<std::string>& names,
            const std::vector<std::string>& superseded) {
  std::set<fs::path> changed = {folder};
  for (const std::string& name : names) {
    changed.insert((folder / name).parent_path());
  }
  for (const std::string& name : superseded) {
    std::error_code ignored;
    fs::remove(folder / name, ignored);
    changed.insert((folder / name).parent_path());
  }
  for (const fs::path& path : changed) {
    sync_folder(path.string());
  }
  std::error_code ignored;
  fs::remove_all(staging, ignored);
}

// A committed staging folder of a writer that died: finish its commit. Left alone when its
// commit.json cannot be read or names something outside the folder, or when a move fails.
void roll_forward(const fs::path& folder, const fs::path& staging) {
  std::vector<std::string> names, superseded;
  try {
    const nlohmann::json commit = read_json_file((staging / kCommitFile).string());
    names = commit.at("move").get<std::vector<std::string>>();
    superseded = commit.at("remove").get<std::vector<std::string>>();
  } catch (const std::exception&) {
    return;
  }
  if (!std::all_of(names.begin(), names.end(), is_inner_name) ||
      !std::all_of(superseded.begin(), superseded.end(), is_inner_name)) {
    return;
  }
  std::vector<std::string> moved;
  if (!move_into_place(folder, staging, names, moved)) {
    finish(folder, staging, names, superseded);
  }
}

}  // namespace

void recover_folder(const std::string& folder) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (is_stale_temporary(entry.path().filename().string())) {
      stale.push_back(entry.path());
    }
  }
  for (const fs::path& path : stale) {
    if (fs::exists(path / kCommitFile, ec)) {
      roll_forward(folder, path);
    } else {
      fs::remove_all(path, ec);
    }
  }
}

StagedOutput::StagedOutput(const std::string& folder, std::vector<std::string> names,
                           bool overwrite, FileSink& sink)
    : folder_(folder), names_(std::move(names)), overwrite_(overwrite), sink_(sink) {
  for (const std::string& name : names_) {
    if (!is_inner_name(name)) {
      throw Error("cannot write '" + name + "' into " + folder_ + ": not a name inside it");
    }
  }
  std::error_code ec;
  if (!fs::is_directory(folder_, ec)) {
    fs::create_directories(folder_, ec);
    if (ec) {
      throw Error("cannot create folder " + folder_ + ": " + ec.message());
    }
  }
  recover_folder(folder_);
  if (!overwrite_) {
    const std::vector<std::string> existing = existing_files(folder_, names_);
    if (!existing.empty()) {
      throw Error(existing.front() + " already exists (" + std::to_string(existing.size()) +
                  " file(s) would be replaced); choose another name or allow overwriting "
                  "(--overwrite)");
    }
  }
  const fs::path staging = fs::path(folder_) / temporary_name(kStagingName);
  if (!fs::create_directory(staging, ec) || ec) {
    throw Error("cannot write into folder " + folder_ + ": " +
                (ec ? ec.message() : std::string("a staging folder of that name exists")));
  }
  staging_ = staging.string();
  fs::create_directory(staging / kFilesFolder, ec);
  if (ec) {
    throw Error("cannot write into folder " + folder_ + ": " + ec.message());
  }
}

StagedOutput::~StagedOutput() {
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void StagedOutput::write(const std::string& name, const std::vector<uint8_t>& bytes) {
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
    throw Error(name + " was not planned for " + folder_);
  }
  const fs::path staged = fs::path(staging_) / kFilesFolder / name;
  std::error_code ec;
  fs::create_directories(staged.parent_path(), ec);
  std::string reason = ec.message();
  if (ec || !sink_.write_file(staged.string(), bytes.data(), bytes.size(), reason)) {
    std::error_code ignored;
    fs::remove(staged, ignored);
    throw Error("cannot write " + (fs::path(folder_) / name).string() + ": " + reason);
  }
  written_.push_back(name);
  bytes_ += bytes.size();
}

std::vector<std::string> StagedOutput::commit(const std::vector<std::string>& superseded) {
  std::vector<std::string> names;  // those written, in plan order
  for (const std::string& name : names_) {
    if (std::find(written_.begin(), written_.end(), name) == written_.end()) {
      continue;
    }
    // Checked before step 1, so that the moves do not fail on them: something may have appeared
    // under the name while the files were written.
    const fs::path target = fs::path(folder_) / name;
    std::error_code ignored;
    const fs::file_status status = fs::symlink_status(target, ignored);
    if ((!overwrite_ && fs::exists(status)) || fs::is_directory(status)) {
      const auto reason =
          fs::is_directory(status) ? std::errc::is_a_directory : std::errc::file_exists;
      throw Error("cannot move " + target.string() +
                  " into place: " + std::make_error_code(reason).message());
    }
    names.push_back(name);
  }
  for (const std::string& name : superseded) {
    if (!is_inner_name(name)) {
      throw Error("cannot remove '" + name + "' from " + folder_ + ": not a name inside it");
    }
  }
  const nlohmann::json commit = {{"move", names}, {"remove", superseded}};
  write_file_atomically((fs::path(staging_) / kCommitFile).string(), commit.dump(1) + "\n");

  std::vector<std::string> moved;
  if (const std::error_code ec = move_into_place(folder_, staging_, names, moved)) {
    // Every name is still staged here, so the one that failed comes right after those moved.
    const std::string failed = (fs::path(folder_) / names[moved.size()]).string();
    for (const std::string& path : moved) {
      std::error_code ignored;
      fs::remove(path, ignored);
    }
    throw Error("cannot move " + failed + " into place: " + ec.message());
  }
  finish(folder_, staging_, names, superseded);
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
