#include "display_image.h"

#include "error.h"

namespace emergence {

Image8 to_image8(const torch::Tensor& input, DisplayMapping mapping) {
  torch::Tensor t = input.detach().to(torch::kFloat32);
  if (t.dim() == 4) {
    t = t[0];
  }
  if (t.dim() != 3 || (t.size(0) != 1 && t.size(0) != 3 && t.size(0) != 4)) {
    throw Error("an image tensor must be [C,H,W] with 1, 3 or 4 channels");
  }
  torch::Tensor unit;
  switch (mapping) {
    case DisplayMapping::Image:
      unit = t / 2 + 0.5;
      break;
    case DisplayMapping::Noise:
      unit = t / 4 + 0.5;
      break;
    case DisplayMapping::Symmetric: {
      const float peak = t.abs().max().item<float>();
      unit = peak > 0 ? t / (2 * peak) + 0.5 : torch::full_like(t, 0.5);
      break;
    }
  }
  const torch::Tensor bytes =
      (unit.clamp(0, 1) * 255).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
  Image8 image;
  image.channels = static_cast<int>(t.size(0));
  image.height = static_cast<int>(t.size(1));
  image.width = static_cast<int>(t.size(2));
  image.pixels.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel());
  return image;
}

torch::Tensor from_image8(const Image8& image) {
  const size_t expected = static_cast<size_t>(image.width) * image.height * image.channels;
  if (image.empty() || image.pixels.size() != expected) {
    throw Error("an 8-bit image must hold width·height·channels bytes");
  }
  return torch::from_blob(const_cast<uint8_t*>(image.pixels.data()),
                          {image.height, image.width, image.channels}, torch::kUInt8)
      .permute({2, 0, 1})
      .to(torch::kFloat32)
      .div(127.5f)
      .sub(1.0f);
}

}  // namespace emergence
