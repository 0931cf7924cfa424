#include "png_text.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace emergence {
namespace {

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

uint32_t get_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 128; });
}

// A chunk is length, type, data, and the CRC-32 of type and data (PNG specification §5.3).
void append_chunk(std::vector<uint8_t>& out, const char type[4], const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  const size_t type_at = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  const uLong crc = crc32(0L, out.data() + type_at, static_cast<uInt>(4 + data.size()));
  put_u32(out, static_cast<uint32_t>(crc));
}

std::string text_chunk_data(const std::string& keyword, const std::string& text,
                            bool& international) {
  if (keyword.empty() || keyword.size() > 79 || !is_ascii(keyword)) {
    throw Error("PNG text keyword must be 1 to 79 ASCII characters (got '" + keyword + "')");
  }
  std::string data = keyword;
  data.push_back('\0');
  international = !is_ascii(text);
  if (international) {
    data.append(std::string("\0\0\0\0", 4));  // no compression, method 0, no language, no title
  }
  data += text;
  return data;
}

}  // namespace

std::vector<uint8_t> encode_png_with_text(const cv::Mat& rgb, const PngText& text) {
  CV_Assert(rgb.type() == CV_8UC3);
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  std::vector<uint8_t> encoded;
  if (!cv::imencode(".png", bgr, encoded)) {
    throw Error("PNG encoding failed");
  }
  // IHDR is always first: 8-byte signature, then length, type, 13 data bytes and the CRC.
  constexpr size_t kAfterIhdr = 8 + 4 + 4 + 13 + 4;
  if (encoded.size() < kAfterIhdr || std::memcmp(encoded.data() + 12, "IHDR", 4) != 0) {
    throw Error("PNG encoder produced an unexpected header");
  }
  std::vector<uint8_t> out(encoded.begin(), encoded.begin() + kAfterIhdr);
  for (const auto& [keyword, value] : text) {
    bool international = false;
    const std::string data = text_chunk_data(keyword, value, international);
    append_chunk(out, international ? "iTXt" : "tEXt", data);
  }
  out.insert(out.end(), encoded.begin() + kAfterIhdr, encoded.end());
  return out;
}

std::map<std::string, std::string> read_png_text(const std::vector<uint8_t>& png) {
  if (png.size() < 8 || std::memcmp(png.data(), kSignature, 8) != 0) {
    throw Error("not a PNG file (bad signature)");
  }
  std::map<std::string, std::string> text;
  size_t at = 8;
  while (at + 12 <= png.size()) {
    const uint32_t length = get_u32(png.data() + at);
    if (length > png.size() - at - 12) {
      throw Error("PNG chunk at byte " + std::to_string(at) + " runs past the end of the file");
    }
    const std::string type(reinterpret_cast<const char*>(png.data() + at + 4), 4);
    const std::string data(reinterpret_cast<const char*>(png.data() + at + 8), length);
    const size_t nul = data.find('\0');
    if (type == "tEXt" && nul != std::string::npos) {
      text[data.substr(0, nul)] = data.substr(nul + 1);
    } else if (type == "iTXt" && nul != std::string::npos && nul + 2 < data.size() &&
               data[nul + 1] == '\0') {
      // Skip the compression flag and method, then the language tag and translated keyword.
      const size_t language_end = data.find('\0', nul + 3);
      const size_t title_end =
          language_end == std::string::npos ? language_end : data.find('\0', language_end + 1);
      if (title_end != std::string::npos) {
        text[data.substr(0, nul)] = data.substr(title_end + 1);
      }
    }
    if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  return text;
}

}  // namespace emergence
