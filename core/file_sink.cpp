#include "file_sink.h"

#include "core/atomic_file.h"

namespace emergence {

bool DiskFileSink::write_file(const std::string& path, const uint8_t* data, size_t size,
                              std::string& reason) {
  return write_synced_file(path, data, size, reason);
}

}  // namespace emergence
