#include "core/text/clip_byte_map.h"

#include <cstdint>

namespace emergence {

namespace detail {

// UTF-8 of a code point below U+0800, which is all the byte map needs.
std::string clip_byte_map_utf8(uint32_t code_point) {
  if (code_point < 0x80) {
    return std::string(1, static_cast<char>(code_point));
  }
  return {static_cast<char>(0xC0 | (code_point >> 6)),
          static_cast<char>(0x80 | (code_point & 0x3F))};
}

bool clip_byte_is_printable(int byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) ||
         (byte >= 0xAE && byte <= 0xFF);
}

struct ClipByteTables {
  std::array<std::string, 256> by_byte;
  std::array<std::string, 256> by_id;
};

ClipByteTables make_clip_byte_tables() {
  ClipByteTables tables;
  int id = 0;
  for (int byte = 0; byte < 256; ++byte) {
    if (clip_byte_is_printable(byte)) {
      tables.by_byte[byte] = clip_byte_map_utf8(static_cast<uint32_t>(byte));
      tables.by_id[id++] = tables.by_byte[byte];
    }
  }
  uint32_t next = 256;
  for (int byte = 0; byte < 256; ++byte) {
    if (!clip_byte_is_printable(byte)) {
      tables.by_byte[byte] = clip_byte_map_utf8(next++);
      tables.by_id[id++] = tables.by_byte[byte];
    }
  }
  return tables;
}

const ClipByteTables& clip_byte_tables() {
  static const ClipByteTables tables = make_clip_byte_tables();
  return tables;
}

}  // namespace detail

const std::array<std::string, 256>& clip_byte_symbols() {
  return detail::clip_byte_tables().by_byte;
}

const std::array<std::string, 256>& clip_byte_symbols_in_vocabulary_order() {
  return detail::clip_byte_tables().by_id;
}

}  // namespace emergence
