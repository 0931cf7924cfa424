#pragma once

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>
#include <vector>

namespace emergence {

// Where a model runs. The CPU is the default and the tested path; a CUDA device needs a build
// against a libtorch with CUDA (PyTorch's own, docs/stable_diffusion.md) and runs in float16.
//
// "cpu", "cuda" (= "cuda:0") or "cuda:N" as a device. Error when the name is none of these, when
// this build's libtorch has no CUDA, or when the device is not there.
c10::Device parse_compute_device(const std::string& name);
// The names parse_compute_device takes on this machine: "cpu", then "cuda:0", "cuda:1", ….
std::vector<std::string> available_devices();
// The dtype models compute in on a device: float32 on the CPU, float16 on CUDA.
c10::ScalarType compute_dtype(const c10::Device& device);
// Waits until the device has finished its queued work (timings); nothing to wait for on the CPU.
void synchronize_device(const c10::Device& device);

namespace compute_device_detail {
// The check behind parse_compute_device for "cuda:index", given whether the build has CUDA and
// how many devices it sees.
void check_cuda_device(int index, bool built_with_cuda, int device_count);
}  // namespace compute_device_detail

}  // namespace emergence
