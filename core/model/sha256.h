#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace emergence {

// SHA-256 (FIPS 180-4), incremental: update() any number of times, then hex_digest() once.
class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  std::string hex_digest();

 private:
  void compress(const uint8_t* block);

  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Feeds a file's contents to hash; errors name the file.
void hash_file(Sha256& hash, const std::string& path);

}  // namespace emergence
