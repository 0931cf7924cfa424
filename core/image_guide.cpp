#include "image_guide.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "error.h"
#include "model/sha256.h"
#include "sampler.h"

namespace emergence {
void validate_strength(double strength) {
  if (!(strength > 0.0 && strength <= 1.0)) {
    std::ostringstream m;
    m << "strength must be in (0, 1] (got " << strength << ")";
    throw Error(m.str());
  }
}

int steps_to_run(int steps, double strength) {
  return std::min(static_cast<int>(steps * strength), steps);
}

int first_call_for_strength(const Sampler& sampler, double strength) {
  validate_strength(strength);
  const int steps = sampler.num_steps();
  const int run = steps_to_run(steps, strength);
  return std::min((steps - run) * sampler.calls_per_step(), sampler.num_calls());
}

torch::Tensor noised_to(const Sampler& sampler, const torch::Tensor& x0, const torch::Tensor& eps,
                        double sigma) {
  const torch::Tensor x = x0 + static_cast<float>(sigma) * eps;
  if (sampler.variance_exploding()) {
    return x;
  }
  return x / static_cast<float>(std::sqrt(1.0 + sigma * sigma));
}

torch::Tensor keep_unmasked(const torch::Tensor& x, const torch::Tensor& known,
                            const torch::Tensor& mask) {
  return mask * x + (1.0f - mask) * known;
}

void validate_guide(const ImageGuide& guide, const torch::Tensor& latent) {
  if (!guide.active()) {
    if (guide.mask.defined()) {
      throw Error("a mask needs a start image: inpainting keeps the unmasked part of one");
    }
    return;
  }
  auto shape = [](const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
  };
  if (guide.image.sizes() != latent.sizes()) {
    throw Error("the start image is " + shape(guide.image) + " but the model samples " +
                shape(latent));
  }
  if (guide.mask.defined()) {
    const auto& l = latent.sizes();
    if (guide.mask.dim() != 4 || guide.mask.size(0) != 1 || guide.mask.size(1) != 1 ||
        guide.mask.size(2) != l[2] || guide.mask.size(3) != l[3]) {
      throw Error("the mask is " + shape(guide.mask) + " but must be [1, 1, " +
                  std::to_string(l[2]) + ", " + std::to_string(l[3]) + "]");
    }
  }
  validate_strength(guide.strength);
}

std::string mask_to_hex(const torch::Tensor& mask) {
  const torch::Tensor levels = (mask.detach().to(torch::kFloat32).cpu() * 255.0f)
                                   .round()
                                   .clamp(0, 255)
                                   .to(torch::kUInt8)
                                   .contiguous();
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(static_cast<size_t>(levels.numel()) * 2);
  const uint8_t* data = levels.data_ptr<uint8_t>();
  for (int64_t i = 0; i < levels.numel(); ++i) {
    hex.push_back(kDigits[data[i] >> 4]);
    hex.push_back(kDigits[data[i] & 15]);
  }
  return hex;
}

torch::Tensor mask_from_hex(const std::string& hex, int height, int width) {
  const size_t pixels = static_cast<size_t>(height) * static_cast<size_t>(width);
  if (hex.size() != pixels * 2) {
    throw Error("the mask has " + std::to_string(hex.size() / 2) + " pixels but the model is " +
                std::to_string(width) + "×" + std::to_string(height) + " (" +
                std::to_string(pixels) + ")");
  }
  auto digit = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw Error(std::string("the mask holds '") + c + "', which is not a hex digit");
  };
  torch::Tensor levels = torch::empty({1, 1, height, width}, torch::kUInt8);
  uint8_t* data = levels.data_ptr<uint8_t>();
  for (size_t i = 0; i < pixels; ++i) {
    data[i] = static_cast<uint8_t>(digit(hex[2 * i]) * 16 + digit(hex[2 * i + 1]));
  }
  return levels.to(torch::kFloat32) / 255.0f;
}

std::string image_levels_hash(const torch::Tensor& image) {
  const torch::Tensor levels = ((image.detach().to(torch::kFloat32).cpu() + 1.0f) * 127.5f)
                                   .round()
                                   .clamp(0, 255)
                                   .to(torch::kUInt8)
                                   .contiguous();
  Sha256 hash;
  hash.update(levels.data_ptr<uint8_t>(), static_cast<size_t>(levels.numel()));
  return hash.hex_digest();
}

}  // namespace emergence
