#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace emergence {

// Where staged files' bytes go (StagedOutput). Writers go through a sink so that tests can stand
// in one that fails part-way (a full disk) and check that nothing is left behind.
class FileSink {
 public:
  virtual ~FileSink() = default;
  // Creates or truncates path and writes size bytes. On failure returns false and sets reason
  // (e.g. "No space left on device"); a partly written file may remain for the caller to remove.
  virtual bool write_file(const std::string& path, const uint8_t* data, size_t size,
                          std::string& reason) = 0;
};

// The real disk: write_synced_file (core/atomic_file.h).
class DiskFileSink : public FileSink {
 public:
  bool write_file(const std::string& path, const uint8_t* data, size_t size,
                  std::string& reason) override;
};

}  // namespace emergence
