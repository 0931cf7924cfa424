#pragma once

#include <torch/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace emergence {

// Reads a .safetensors file (https://github.com/huggingface/safetensors, format "v1"): every tensor
// as an owned float32 CPU tensor, converted from F32, F16 or BF16. Offsets, sizes and shapes are
// checked against the file; a file that lies is an Error naming the file and the tensor.
std::map<std::string, torch::Tensor> read_safetensors(const std::string& path);
// The "__metadata__" string map of a .safetensors file (empty when it has none).
std::map<std::string, std::string> read_safetensors_metadata(const std::string& path);

class MappedFile;

// A .safetensors file mapped read-only, for loading large models: its F32, F16 and BF16 tensors
// are views into the mapping in their stored dtype (each keeps the mapping alive), so weights are
// copied once, into the model, and converted there. The views must not be written to. Tensors
// of other dtypes (position_ids, EMA counters) are not read, only named in skipped().
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);
  const std::string& path() const { return path_; }
  const std::map<std::string, torch::Tensor>& tensors() const { return tensors_; }
  const std::vector<std::string>& skipped() const { return skipped_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // Drops a tensor's pages from resident memory once it has been copied into a model, so that
  // loading holds the model and one tensor, not the model and the whole file.
  void release(const std::string& name) const;

 private:
  std::string path_;
  std::shared_ptr<MappedFile> file_;
  std::map<std::string, torch::Tensor> tensors_;
  std::map<std::string, std::pair<uint64_t, uint64_t>> ranges_;  // file offsets of each view
  std::vector<std::string> skipped_;
  std::map<std::string, std::string> metadata_;
};

// The bytes of a .safetensors file of float32 tensors (other floating types are converted) in
// sorted-name order, with the header padded to a multiple of 8 bytes. Error naming a tensor that
// is not floating-point or whose name the format cannot hold.
std::vector<uint8_t> encode_safetensors(const std::map<std::string, torch::Tensor>& tensors,
                                        const std::map<std::string, std::string>& metadata = {});

}  // namespace emergence
