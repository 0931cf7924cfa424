#include "kill_points.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

namespace emergence::test {
namespace {

std::atomic<long> calls_left{0};  // 0: disarmed

bool is_kill_point() { return calls_left.load() > 0 && calls_left.fetch_sub(1) == 1; }

void die_at_kill_point() {
  if (is_kill_point()) {
    ::raise(SIGKILL);
  }
}

// The C library's own definition of a function this file replaces.
template <typename Function>
Function next(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

void kill_at_call(long point) { calls_left = point; }

}  // namespace emergence::test

using emergence::test::die_at_kill_point;
using emergence::test::is_kill_point;
using emergence::test::next;

// The declarations in <unistd.h>, <stdio.h> and <sys/stat.h> check these signatures.
extern "C" {

ssize_t write(int fd, const void* data, size_t size) {
  static const auto real = next<ssize_t (*)(int, const void*, size_t)>("write");
  if (fd > 2 && is_kill_point()) {
    real(fd, data, size / 2);
    ::raise(SIGKILL);
  }
  return real(fd, data, size);
}

int fsync(int fd) {
  static const auto real = next<int (*)(int)>("fsync");
  die_at_kill_point();
  return real(fd);
}

int rename(const char* from, const char* to) noexcept {
  static const auto real = next<int (*)(const char*, const char*)>("rename");
  die_at_kill_point();
  return real(from, to);
}

int mkdir(const char* path, mode_t mode) noexcept {
  static const auto real = next<int (*)(const char*, mode_t)>("mkdir");
  die_at_kill_point();
  return real(path, mode);
}

int unlink(const char* path) noexcept {
  static const auto real = next<int (*)(const char*)>("unlink");
  die_at_kill_point();
  return real(path);
}

int rmdir(const char* path) noexcept {
  static const auto real = next<int (*)(const char*)>("rmdir");
  die_at_kill_point();
  return real(path);
}

int remove(const char* path) noexcept {
  static const auto real = next<int (*)(const char*)>("remove");
  die_at_kill_point();
  return real(path);
}

}  // extern "C"
