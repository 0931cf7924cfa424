#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace emergence::test {

// A fresh empty folder under the system temp folder, removed with everything in it at scope end.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Every entry in the folder, hidden ones included, sorted.
  std::vector<std::string> entries() const;

 private:
  std::string path_;
};

std::vector<uint8_t> read_bytes(const std::string& path);

}  // namespace emergence::test
