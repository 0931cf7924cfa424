#include "npy.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "atomic_file.h"
#include "error.h"

namespace emergence {
namespace {

// NumPy 2 allows 64 dimensions; more can only come from a hostile header.
constexpr size_t kMaxDims = 64;

// At most the first 40 characters of text, for quoting hostile values in messages.
std::string excerpt(const std::string& text) {
  return text.size() <= 40 ? text : text.substr(0, 40) + "...";
}

torch::ScalarType dtype_of(const std::string& descr, const std::string& path) {
  if (descr == "<f4") {
    return torch::kFloat32;
  }
  if (descr == "<f8") {
    return torch::kFloat64;
  }
  if (descr == "<i8") {
    return torch::kInt64;
  }
  if (descr == "<i4") {
    return torch::kInt32;
  }
  throw Error(path + ": unsupported npy dtype '" + excerpt(descr) +
              "' (expected <f4, <f8, <i8 or <i4)");
}

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// Reads the header, a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 8, 8), }
// in one forward pass: a header may be up to 1 MB of hostile text, so nothing here backtracks or
// recurses (std::regex did, once per character, and overflowed the stack).
class HeaderScanner {
 public:
  HeaderScanner(const std::string& text, const std::string& path) : text_(text), path_(path) {}

  NpyHeader parse() {
    NpyHeader header;
    bool has_descr = false;
    bool has_fortran_order = false;
    bool has_shape = false;
    expect('{', "at the start of the header");
    while (!take('}')) {
      const std::string key = quoted("a key");
      expect(':', "after '" + excerpt(key) + "'");
      if (key == "descr" && !has_descr) {
        header.descr = quoted("the descr");
        has_descr = true;
      } else if (key == "fortran_order" && !has_fortran_order) {
        header.fortran_order = boolean();
        has_fortran_order = true;
      } else if (key == "shape" && !has_shape) {
        header.shape = shape();
        has_shape = true;
      } else {
        fail("unexpected or repeated key '" + excerpt(key) + "'");
      }
      if (!take(',')) {
        expect('}', "after the value of '" + key + "'");
        break;
      }
    }
    skip_space();
    if (pos_ != text_.size()) {
      fail("unexpected text after the closing '}'");
    }
    if (!has_descr || !has_fortran_order || !has_shape) {
      fail("it needs the keys 'descr', 'fortran_order' and 'shape'");
    }
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(path_ + ": bad npy header at byte " + std::to_string(pos_) + ": " + what);
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  // Skips spaces, then consumes c if it comes next.
  bool take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char c, const std::string& where) {
    if (!take(c)) {
      fail(std::string("expected '") + c + "' " + where);
    }
  }

  // A '...' or "..." string; the values NumPy writes need no escapes, so none are read.
  std::string quoted(const std::string& what) {
    skip_space();
    const char quote = pos_ < text_.size() ? text_[pos_] : '\0';
    if (quote != '\'' && quote != '"') {
      fail("expected " + what + " as a quoted string");
    }
    const size_t close = text_.find(quote, pos_ + 1);
    if (close == std::string::npos) {
      fail(what + " has no closing quote");
    }
    std::string value = text_.substr(pos_ + 1, close - pos_ - 1);
    pos_ = close + 1;
    return value;
  }

  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      const size_t n = std::strlen(word);
      if (text_.compare(pos_, n, word) == 0) {
        pos_ += n;
        return value;
      }
    }
    fail("fortran_order must be True or False");
  }

  // A tuple of non-negative decimal integers: (), (4,), (2, 3) or (2, 3,). "(4)" is taken as
  // (4,) too, as the old reader did; it can mean nothing else.
  std::vector<int64_t> shape() {
    std::vector<int64_t> dims;
    if (!take('(')) {
      fail("the shape must be a tuple such as (2, 3)");
    }
    while (!take(')')) {
      if (dims.size() == kMaxDims) {
        fail("the shape has more than " + std::to_string(kMaxDims) + " dimensions");
      }
      dims.push_back(dimension());
      if (!take(',')) {
        expect(')', "after a dimension of the shape (dimensions are separated by commas)");
        break;
      }
    }
    return dims;
  }

  int64_t dimension() {
    skip_space();
    const size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      const int digit = text_[pos_] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        fail("a dimension of the shape is too large");
      }
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) {
      fail("a dimension of the shape is not a non-negative integer");
    }
    return value;
  }

  const std::string& text_;
  const std::string& path_;
  size_t pos_ = 0;
};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

// The data size the shape asks for, refused when it does not fit in int64. Zero dimensions count
// as one, so the other dimensions still have to fit, as torch requires of any shape.
int64_t data_bytes(const std::vector<int64_t>& shape, int64_t element_size,
                   const std::string& path) {
  int64_t bytes = element_size;
  int64_t bound = element_size;
  for (int64_t d : shape) {
    if (__builtin_mul_overflow(bound, std::max<int64_t>(d, 1), &bound)) {
      throw Error(path + ": npy shape " + shape_text(shape) + " is too large");
    }
    bytes *= d;
  }
  return bytes;
}

}  // namespace

torch::Tensor read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot open " + path);
  }
  char magic[8] = {};
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    throw Error(path + " is not a .npy file");
  }
  const int major = static_cast<unsigned char>(magic[6]);
  uint32_t header_len = 0;
  if (major == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<uint32_t>(b[3]) << 24);
  } else {
    throw Error(path + ": unsupported npy version " + std::to_string(major));
  }
  if (!in || header_len > (1u << 20)) {
    throw Error(path + ": truncated or oversized npy header");
  }
  std::string text(header_len, '\0');
  in.read(text.data(), header_len);
  if (!in) {
    throw Error(path + ": truncated npy header");
  }
  const NpyHeader header = HeaderScanner(text, path).parse();
  const torch::ScalarType dtype = dtype_of(header.descr, path);
  if (header.fortran_order) {
    throw Error(path + ": Fortran-order npy arrays are not supported");
  }
  const int64_t bytes =
      data_bytes(header.shape, static_cast<int64_t>(c10::elementSize(dtype)), path);
  // Checked before allocating: a few hostile bytes must not ask for gigabytes.
  const std::streamoff data_start = in.tellg();
  in.seekg(0, std::ios::end);
  const int64_t available = static_cast<int64_t>(in.tellg() - data_start);
  in.seekg(data_start);
  if (!in || available < bytes) {
    throw Error(path + ": npy shape " + shape_text(header.shape) + " of " + header.descr +
                " needs " + std::to_string(bytes) + " bytes of data but the file holds " +
                std::to_string(available) + " bytes");
  }
  torch::Tensor t = torch::empty(header.shape, torch::TensorOptions().dtype(dtype));
  in.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(bytes));
  if (in.gcount() != bytes) {
    throw Error(path + ": npy data is shorter than its shape says");
  }
  return t;
}

void write_npy(const std::string& path, const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.detach().to(torch::kFloat32).contiguous().cpu();
  std::string shape;
  for (int64_t d : t.sizes()) {
    shape += std::to_string(d) + ",";
  }
  if (t.dim() > 1) {
    shape.pop_back();
  }
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Pad so that magic + length + header is a multiple of 64, ending in a newline.
  while ((10 + header.size() + 1) % 64 != 0) {
    header += ' ';
  }
  header += '\n';
  const uint16_t len = static_cast<uint16_t>(header.size());
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(len & 0xff);
  bytes += static_cast<char>(len >> 8);
  bytes += header;
  bytes.append(static_cast<const char*>(t.data_ptr()), t.numel() * sizeof(float));
  write_file_atomically(path, bytes);
}

}  // namespace emergence
