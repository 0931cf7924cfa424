#include "compute_device.h"

#include <c10/core/impl/DeviceGuardImplInterface.h>
#include <torch/cuda.h>

#include <cctype>

#include "error.h"

namespace emergence {
namespace {

// A CUDA libtorch registers its device guard when libc10_cuda loads, GPU or not.
bool built_with_cuda() { return c10::impl::hasDeviceGuardImpl(c10::DeviceType::CUDA); }

int cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }

}  // namespace

namespace compute_device_detail {

void check_cuda_device(int index, bool with_cuda, int device_count) {
  if (!with_cuda) {
    throw Error("device 'cuda:" + std::to_string(index) +
                "': this build of Emergence uses a libtorch without CUDA (build it against "
                "PyTorch's CUDA libtorch to run on the GPU; docs/stable_diffusion.md)");
  }
  if (device_count == 0) {
    throw Error("device 'cuda:" + std::to_string(index) +
                "': no CUDA device found (is the NVIDIA driver loaded? nvidia-smi lists the GPUs)");
  }
  if (index >= device_count) {
    throw Error("device 'cuda:" + std::to_string(index) + "': there " +
                (device_count == 1
                     ? std::string("is 1 CUDA device (cuda:0)")
                     : "are " + std::to_string(device_count) + " CUDA devices (cuda:0 to cuda:" +
                           std::to_string(device_count - 1) + ")"));
  }
}

}  // namespace compute_device_detail

c10::Device parse_compute_device(const std::string& name) {
  if (name == "cpu") {
    return c10::Device(c10::DeviceType::CPU);
  }
  int index = 0;
  bool valid = name == "cuda";
  if (name.rfind("cuda:", 0) == 0 && name.size() > 5 && name.size() <= 8) {
    valid = true;
    for (size_t i = 5; i < name.size(); ++i) {
      valid = valid && std::isdigit(static_cast<unsigned char>(name[i]));
    }
    index = valid ? std::stoi(name.substr(5)) : 0;
  }
  if (!valid) {
    throw Error("unknown device '" + name + "' (cpu, cuda or cuda:N)");
  }
  compute_device_detail::check_cuda_device(index, built_with_cuda(), cuda_device_count());
  return c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(index));
}

std::vector<std::string> available_devices() {
  std::vector<std::string> names{"cpu"};
  if (built_with_cuda()) {
    for (int i = 0; i < cuda_device_count(); ++i) {
      names.push_back("cuda:" + std::to_string(i));
    }
  }
  return names;
}

c10::ScalarType compute_dtype(const c10::Device& device) {
  return device.is_cuda() ? c10::ScalarType::Half : c10::ScalarType::Float;
}

void synchronize_device(const c10::Device& device) {
  if (device.is_cuda()) {
    torch::cuda::synchronize(device.index());
  }
}

}  // namespace emergence
