#pragma once

#include <torch/types.h>

#include <string>

namespace emergence {

// NumPy .npy files (format 1.0/2.0, little-endian, C order): float32, float64, int64 and int32
// read into a tensor of the same dtype. Errors name the file.
torch::Tensor read_npy(const std::string& path);
// Writes a float32 tensor as <f4, C order, replacing the file atomically (write_file_atomically).
void write_npy(const std::string& path, const torch::Tensor& tensor);

}  // namespace emergence
