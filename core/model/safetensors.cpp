#include "safetensors.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "core/json_file.h"
#include "mapped_file.h"

namespace emergence {
namespace {

// The safetensors crate refuses headers above 100 MB; so do we, before allocating anything.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr uint64_t kMaxDimension = std::numeric_limits<int32_t>::max();

struct Entry {
  std::string name;
  torch::ScalarType dtype = torch::kFloat32;
  std::vector<int64_t> shape;
  std::string dtype_name;
  uint64_t begin = 0;
  uint64_t end = 0;
};

std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    s << (i ? ", " : "") << shape[i];
  }
  s << "]";
  return s.str();
}

// Element type and size of a safetensors dtype name. Only F32, F16 and BF16 are read as
// numbers; the others are known so that a file's layout can be checked and those tensors skipped.
bool parse_dtype(const std::string& name, torch::ScalarType& type, uint64_t& bytes) {
  static const struct {
    const char* name;
    torch::ScalarType type;
    uint64_t bytes;
  } kTypes[] = {{"F32", torch::kFloat32, 4},   {"F16", torch::kFloat16, 2},
                {"BF16", torch::kBFloat16, 2}, {"F64", torch::kFloat64, 8},
                {"I64", torch::kInt64, 8},     {"I32", torch::kInt32, 4},
                {"I16", torch::kInt16, 2},     {"I8", torch::kInt8, 1},
                {"U8", torch::kUInt8, 1},      {"BOOL", torch::kBool, 1}};
  for (const auto& t : kTypes) {
    if (name == t.name) {
      type = t.type;
      bytes = t.bytes;
      return true;
    }
  }
  return false;
}

bool is_weight_type(torch::ScalarType type) {
  return type == torch::kFloat32 || type == torch::kFloat16 || type == torch::kBFloat16;
}

struct ParsedHeader {
  std::vector<Entry> entries;
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;
};

std::map<std::string, std::string> parse_metadata(const nlohmann::json& value,
                                                  const std::string& path) {
  if (!value.is_object()) {
    throw Error(path + ": safetensors __metadata__ must be an object of strings");
  }
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      throw Error(path + ": safetensors __metadata__ entry '" + key + "' is not a string");
    }
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

Entry parse_entry(const std::string& name, const nlohmann::json& value, uint64_t data_size,
                  const std::string& path) {
  const std::string where = path + ": tensor '" + name + "'";
  if (!value.is_object()) {
    throw Error(where + " has no dtype/shape/data_offsets object in the header");
  }
  Entry e;
  e.name = name;
  const auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string()) {
    throw Error(where + " has no dtype string");
  }
  uint64_t element_bytes = 0;
  if (!parse_dtype(dtype->get<std::string>(), e.dtype, element_bytes)) {
    throw Error(where + " has unknown dtype " + dtype->get<std::string>());
  }
  e.dtype_name = dtype->get<std::string>();
  const auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array()) {
    throw Error(where + " has no shape array");
  }
  uint64_t count = 1;
  for (const auto& dim : *shape) {
    if (!dim.is_number_unsigned() || dim.get<uint64_t>() > kMaxDimension) {
      throw Error(where + " has a shape entry that is not an integer in [0, 2^31)");
    }
    const uint64_t d = dim.get<uint64_t>();
    e.shape.push_back(static_cast<int64_t>(d));
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / d) {
      throw Error(where + " has a shape whose element count overflows");
    }
    count *= d;
  }
  const auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
      !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
    throw Error(where + " needs data_offsets [begin, end] of non-negative integers");
  }
  e.begin = (*offsets)[0].get<uint64_t>();
  e.end = (*offsets)[1].get<uint64_t>();
  if (e.begin > e.end || e.end > data_size) {
    std::ostringstream m;
    m << where << " has data_offsets [" << e.begin << ", " << e.end
      << "] outside the data section of " << data_size << " bytes";
    throw Error(m.str());
  }
  if (count > std::numeric_limits<uint64_t>::max() / element_bytes ||
      count * element_bytes != e.end - e.begin) {
    std::ostringstream m;
    m << where << " has shape " << shape_text(e.shape) << " of " << dtype->get<std::string>()
      << ", which does not match its " << e.end - e.begin << " data bytes";
    throw Error(m.str());
  }
  return e;
}

ParsedHeader parse_header(const MappedFile& file, const std::string& path) {
  if (file.size() < 8) {
    throw Error(path + " is " + std::to_string(file.size()) +
                " bytes long, too short to be a safetensors file");
  }
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) {
    header_bytes = (header_bytes << 8) | file.data()[i];
  }
  if (header_bytes > file.size() - 8 || header_bytes > kMaxHeaderBytes) {
    std::ostringstream m;
    m << path << ": safetensors header claims " << header_bytes << " bytes but the file has only "
      << file.size() - 8 << " after the length field";
    throw Error(m.str());
  }
  const char* header_text = reinterpret_cast<const char*>(file.data()) + 8;
  check_json_depth(std::string_view(header_text, header_bytes), path + ": safetensors header");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(file.data() + 8, file.data() + 8 + header_bytes);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": safetensors header is not valid JSON (" + json_error_text(e) + ")");
  }
  if (!header.is_object()) {
    throw Error(path + ": safetensors header is not a JSON object");
  }
  ParsedHeader parsed;
  parsed.data_start = 8 + header_bytes;
  const uint64_t data_size = file.size() - parsed.data_start;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      parsed.metadata = parse_metadata(value, path);
    } else {
      parsed.entries.push_back(parse_entry(name, value, data_size, path));
    }
  }
  // Two tensors may not share bytes: that is a corrupt or hand-crafted file.
  std::vector<const Entry*> by_offset;
  for (const Entry& e : parsed.entries) {
    if (e.end > e.begin) {
      by_offset.push_back(&e);
    }
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const Entry* a, const Entry* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i]->begin < by_offset[i - 1]->end) {
      throw Error(path + ": tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name +
                  "' have overlapping data_offsets");
    }
  }
  return parsed;
}

torch::Tensor to_float_tensor(const Entry& e, const uint8_t* data) {
  torch::Tensor raw = torch::empty(e.shape, torch::TensorOptions().dtype(e.dtype));
  // memcpy, not a view: offsets inside a safetensors file carry no alignment guarantee. A
  // zero-element tensor has no storage (data_ptr() is null), and memcpy to null is undefined
  // even for zero bytes.
  if (e.end > e.begin) {
    std::memcpy(raw.data_ptr(), data + e.begin, e.end - e.begin);
  }
  return e.dtype == torch::kFloat32 ? raw : raw.to(torch::kFloat32);
}

}  // namespace

std::map<std::string, torch::Tensor> read_safetensors(const std::string& path) {
  MappedFile file(path);
  const ParsedHeader header = parse_header(file, path);
  std::map<std::string, torch::Tensor> tensors;
  for (const Entry& e : header.entries) {
    if (!is_weight_type(e.dtype)) {
      throw Error(path + ": tensor '" + e.name + "' has dtype " + e.dtype_name +
                  "; only F32, F16 and BF16 are supported");
    }
    tensors[e.name] = to_float_tensor(e, file.data() + header.data_start);
  }
  return tensors;
}

SafetensorsFile::SafetensorsFile(const std::string& path)
    : path_(path), file_(std::make_shared<MappedFile>(path)) {
  const ParsedHeader header = parse_header(*file_, path);
  metadata_ = header.metadata;
  const uint8_t* data = file_->data() + header.data_start;
  for (const Entry& e : header.entries) {
    if (!is_weight_type(e.dtype)) {
      skipped_.push_back(e.name);
      continue;
    }
    const uint8_t* begin = data + e.begin;
    const size_t element = torch::elementSize(e.dtype);
    if (e.end == e.begin || reinterpret_cast<uintptr_t>(begin) % element != 0) {
      // Offsets carry no alignment guarantee; an unaligned tensor is copied instead.
      tensors_[e.name] = to_float_tensor(e, data).to(e.dtype);
      continue;
    }
    ranges_[e.name] = {header.data_start + e.begin, e.end - e.begin};
    std::shared_ptr<MappedFile> keep = file_;
    tensors_[e.name] = torch::from_blob(
        const_cast<uint8_t*>(begin), e.shape, [keep](void*) {},
        torch::TensorOptions().dtype(e.dtype));
  }
}

void SafetensorsFile::release(const std::string& name) const {
  const auto range = ranges_.find(name);
  if (range != ranges_.end()) {
    file_->release(range->second.first, range->second.second);
  }
}

std::map<std::string, std::string> read_safetensors_metadata(const std::string& path) {
  MappedFile file(path);
  return parse_header(file, path).metadata;
}

std::vector<uint8_t> encode_safetensors(const std::map<std::string, torch::Tensor>& tensors,
                                        const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  std::vector<torch::Tensor> payload;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name.empty() || name == "__metadata__") {
      throw Error("safetensors: '" + name + "' cannot be a tensor name");
    }
    if (!tensor.defined() || !tensor.is_floating_point()) {
      throw Error("safetensors: tensor '" + name + "' is not a floating-point tensor");
    }
    torch::Tensor t = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * 4;
    header[name] = {
        {"dtype", "F32"}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    payload.push_back(t);
  }
  if (!metadata.empty()) {
    header["__metadata__"] = metadata;
  }
  std::string text = header.dump();
  // The format asks for the data to start 8-byte aligned; spaces are valid JSON padding.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<uint8_t> out(8 + text.size() + offset);
  const uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(n >> (8 * i));
  }
  std::memcpy(out.data() + 8, text.data(), text.size());
  uint8_t* data = out.data() + 8 + text.size();
  for (const torch::Tensor& t : payload) {
    std::memcpy(data, t.data_ptr(), t.nbytes());
    data += t.nbytes();
  }
  return out;
}

}  // namespace emergence
