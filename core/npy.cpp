#include "npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "error.h"

namespace emergence {
namespace {

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
  throw Error(path + ": unsupported npy dtype '" + descr + "' (expected <f4, <f8, <i8 or <i4)");
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
  std::string header(header_len, '\0');
  in.read(header.data(), header_len);
  if (!in) {
    throw Error(path + ": truncated npy header");
  }
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']+)'"))) {
    throw Error(path + ": npy header has no descr");
  }
  const torch::ScalarType dtype = dtype_of(m[1], path);
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True"))) {
    throw Error(path + ": Fortran-order npy arrays are not supported");
  }
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)"))) {
    throw Error(path + ": npy header has no shape");
  }
  std::vector<int64_t> shape;
  std::stringstream dims(m[1].str());
  std::string item;
  int64_t count = 1;
  while (std::getline(dims, item, ',')) {
    if (item.find_first_not_of(" ") == std::string::npos) {
      continue;
    }
    const int64_t d = std::stoll(item);
    if (d < 0 || d > (int64_t{1} << 32)) {
      throw Error(path + ": npy shape has an invalid dimension");
    }
    shape.push_back(d);
    count *= d;
  }
  torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(dtype));
  const auto bytes = static_cast<std::streamsize>(count * t.element_size());
  in.read(static_cast<char*>(t.data_ptr()), bytes);
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
  const std::string tmp = path + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error("cannot write " + path);
    }
    const uint16_t len = static_cast<uint16_t>(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(len_bytes, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(t.data_ptr()),
              static_cast<std::streamsize>(t.numel() * sizeof(float)));
    out.flush();
    if (!out) {
      out.close();
      std::remove(tmp.c_str());
      throw Error("writing " + path + " failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot replace " + path);
  }
}

}  // namespace emergence
