#pragma once

#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace emergence {

// Reads a .safetensors file (https://github.com/huggingface/safetensors, format "v1"): every tensor
// as an owned float32 CPU tensor, converted from F32, F16 or BF16. Offsets, sizes and shapes are
// checked against the file; a file that lies is an Error naming the file and the tensor.
std::map<std::string, torch::Tensor> read_safetensors(const std::string& path);
// The "__metadata__" string map of a .safetensors file (empty when it has none).
std::map<std::string, std::string> read_safetensors_metadata(const std::string& path);

// The bytes of a .safetensors file of float32 tensors (other floating types are converted) in
// sorted-name order, with the header padded to a multiple of 8 bytes. Error naming a tensor that
// is not floating-point or whose name the format cannot hold.
std::vector<uint8_t> encode_safetensors(const std::map<std::string, torch::Tensor>& tensors,
                                        const std::map<std::string, std::string>& metadata = {});

}  // namespace emergence
