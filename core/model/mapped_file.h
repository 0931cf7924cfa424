#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace emergence {

// A whole file mapped read-only into memory, unmapped on destruction. Errors name the file.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Drops the whole pages of [offset, offset + length) from this process's resident memory
  // (madvise MADV_DONTNEED): read again, they come back from the file.
  void release(size_t offset, size_t length) const;

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace emergence
