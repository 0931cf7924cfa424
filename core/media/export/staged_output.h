#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/file_sink.h"

namespace emergence {

// A set of files that appear all together or not at all. They are written into a hidden staging
// folder beside their destination and moved into place by rename (atomic within one file
// system) on commit(); until then the destination folder shows nothing new, and a killed process
// leaves at most the hidden folder (removed by the next export there), never a truncated file
// under a final name. Destroying an uncommitted StagedOutput (error, cancel) removes everything
// it wrote.
class StagedOutput {
 public:
  // Creates folder if needed and the staging folder in it. Error, naming the folder and the
  // reason, when it cannot; Error naming the file when one of names exists and !overwrite.
  StagedOutput(const std::string& folder, std::vector<std::string> names, bool overwrite,
               FileSink& sink);
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Writes one of the planned files into staging. Error naming the final path and the reason.
  void write(const std::string& name, const std::vector<uint8_t>& bytes);
  // Moves every written file into place; returns their final paths in plan order.
  std::vector<std::string> commit();
  // Bytes written so far.
  uint64_t bytes() const { return bytes_; }

 private:
  void remove_staging();

  std::string folder_;
  std::string staging_;
  std::vector<std::string> names_;
  std::vector<std::string> written_;
  bool overwrite_ = false;
  uint64_t bytes_ = 0;
  FileSink& sink_;
};

// The paths of names inside folder that already exist.
std::vector<std::string> existing_files(const std::string& folder,
                                        const std::vector<std::string>& names);

}  // namespace emergence
