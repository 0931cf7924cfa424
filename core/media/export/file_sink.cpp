#include "file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace emergence {

bool DiskFileSink::write_file(const std::string& path, const uint8_t* data, size_t size,
                              std::string& reason) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    reason = std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      reason = n < 0 ? std::strerror(errno) : "the disk accepted no more bytes";
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  // Delayed allocation (and network file systems) may report a full disk only here.
  if (::fsync(fd) != 0 && errno != EINVAL) {
    reason = std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (::close(fd) != 0) {
    reason = std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace emergence
