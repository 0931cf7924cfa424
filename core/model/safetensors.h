#pragma once

#include <torch/types.h>

#include <map>
#include <string>

namespace emergence {

// Reads a .safetensors file (https://github.com/huggingface/safetensors, format "v1"): every tensor
// as an owned float32 CPU tensor, converted from F32, F16 or BF16. Offsets, sizes and shapes are
// checked against the file; a file that lies is an Error naming the file and the tensor.
std::map<std::string, torch::Tensor> read_safetensors(const std::string& path);
// The "__metadata__" string map of a .safetensors file (empty when it has none).
std::map<std::string, std::string> read_safetensors_metadata(const std::string& path);

// Writes float32 tensors (other floating types are converted) in sorted-name order with the header
// padded to a multiple of 8 bytes, through a temporary file and a rename.
void write_safetensors(const std::string& path, const std::map<std::string, torch::Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace emergence
