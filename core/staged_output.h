#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/file_sink.h"

namespace emergence {

// A set of files replaced all together or not at all (the set rule of core/atomic_file.h): a
// model folder, an export's frames and sidecar. Names are relative to the destination folder and
// may lie in its subfolders ("unet/config.json").
//
// The files are written into a hidden staging folder inside the destination,
// ".emergence.tmp-PID-N/files/", so the destination shows nothing new until commit(), which
//  1. writes commit.json into the staging folder (atomically), naming the files to move and the
//     earlier files to remove: from here on the set counts as written;
//  2. renames each file into place (atomic per file within one file system);
//  3. removes the files to remove, fsyncs the folders and removes the staging folder.
// A writer that dies before step 1 has changed nothing; one that dies later leaves each final name
// holding a complete old or a complete new file, and recover_folder then finishes its steps 2-3,
// so that the whole new set is in place. recover_folder deletes an uncommitted staging folder.
// Destroying an uncommitted StagedOutput (an error, a cancel) removes everything it wrote. A
// commit that fails part-way on an error (not a crash) removes the files it had moved.
class StagedOutput {
 public:
  // Creates folder if needed, runs recover_folder on it and makes the staging folder. Error
  // naming the folder and the reason when it cannot; Error naming the file when one of names
  // exists and !overwrite.
  StagedOutput(const std::string& folder, std::vector<std::string> names, bool overwrite,
               FileSink& sink);
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Writes one of the planned files into staging. Error naming the final path and the reason.
  void write(const std::string& name, const std::vector<uint8_t>& bytes);
  // Moves every written file into place and removes `superseded` (earlier files in the folder
  // that the new set replaces without reusing their names); returns the final paths in plan order.
  std::vector<std::string> commit(const std::vector<std::string>& superseded = {});
  // Bytes written so far.
  uint64_t bytes() const { return bytes_; }

 private:
  std::string folder_;
  std::string staging_;
  std::vector<std::string> names_;
  std::vector<std::string> written_;
  bool overwrite_ = false;
  uint64_t bytes_ = 0;
  FileSink& sink_;
};

// Finishes or discards what writers that have died left directly in folder: a committed staging
// folder is moved into place (StagedOutput's steps 2-3), an uncommitted one is removed, and so are
// write_file_atomically's temporary files. Live writers' temporaries stay; so does whatever
// cannot be read, moved or removed (it is tried again next time).
void recover_folder(const std::string& folder);

// The paths of names inside folder that already exist.
std::vector<std::string> existing_files(const std::string& folder,
                                        const std::vector<std::string>& names);

}  // namespace emergence
