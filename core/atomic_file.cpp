#include "atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace emergence {
namespace {

constexpr const char* kMarker = ".tmp-";
// Leaves room for the marker, PID and counter within the 255-byte NAME_MAX.
constexpr size_t kLongestNamePart = 200;

bool all_digits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// The PID in a temporary name ".NAME.tmp-PID-N", or 0 when file_name is not one.
pid_t writer_of(const std::string& file_name) {
  const size_t at = file_name.rfind(kMarker);
  if (file_name[0] != '.' || at == std::string::npos || at < 2) {
    return 0;
  }
  const std::string rest = file_name.substr(at + std::strlen(kMarker));
  const size_t dash = rest.find('-');
  if (dash == std::string::npos || dash > 9 || !all_digits(rest.substr(0, dash)) ||
      !all_digits(rest.substr(dash + 1))) {
    return 0;
  }
  return static_cast<pid_t>(std::stol(rest.substr(0, dash)));
}

}  // namespace

std::string temporary_name(const std::string& name) {
  static std::atomic<unsigned> counter{0};
  return "." + name.substr(0, kLongestNamePart) + kMarker + std::to_string(::getpid()) + "-" +
         std::to_string(counter++);
}

bool is_temporary_name(const std::string& file_name) { return writer_of(file_name) > 0; }

bool is_stale_temporary(const std::string& file_name) {
  const pid_t pid = writer_of(file_name);
  return pid > 0 && pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
}

bool write_synced_file(const std::string& path, const uint8_t* data, size_t size,
                       std::string& reason) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
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

void sync_folder(const std::string& folder) {
  // Best effort: some file systems cannot fsync a folder, and the data itself is already safe.
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void write_file_atomically(const std::string& path, const void* data, size_t size) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const std::string temporary = (folder / temporary_name(target.filename().string())).string();
  std::string reason;
  bool ok = write_synced_file(temporary, static_cast<const uint8_t*>(data), size, reason);
  if (ok && std::rename(temporary.c_str(), path.c_str()) != 0) {
    reason = std::strerror(errno);
    ok = false;
  }
  if (!ok) {
    std::remove(temporary.c_str());
    throw Error("cannot write " + path + ": " + reason);
  }
  sync_folder(folder.string());
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  write_file_atomically(path, bytes.data(), bytes.size());
}

}  // namespace emergence
