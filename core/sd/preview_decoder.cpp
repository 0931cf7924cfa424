#include "preview_decoder.h"

#include <filesystem>

#include "core/error.h"
#include "stable_diffusion_model.h"

namespace emergence {

AutoencoderTiny load_preview_decoder(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  if (fs::is_directory(p)) {
    if (fs::exists(p / "config.json")) {
      return load_autoencoder_tiny(path);
    }
    if (fs::exists(p / "taesd_decoder.safetensors")) {
      return load_taesd_files((p / "taesd_decoder.safetensors").string());
    }
    throw Error(path +
                ": not a TAESD folder: it has neither a config.json (diffusers' AutoencoderTiny) "
                "nor madebyollin's taesd_decoder.safetensors");
  }
  if (!fs::exists(p)) {
    throw Error(path + ": no such file or folder");
  }
  const std::string extension = p.extension().string();
  if (extension == ".pth" || extension == ".pt" || extension == ".ckpt" || extension == ".bin") {
    throw Error(path +
                ": a pickle file, which Emergence never opens (unpickling can run code); use "
                "madebyollin's taesd_decoder.safetensors instead");
  }
  try {
    return load_taesd_files(path);
  } catch (const Error& e) {
    throw Error("not a TAESD decoder: " + std::string(e.what()));
  }
}

void attach_preview_decoder(DiffusionModel& model, AutoencoderTiny taesd,
                            const std::string& origin) {
  auto* latent_model = dynamic_cast<StableDiffusionModel*>(&model);
  if (latent_model == nullptr) {
    throw Error(origin + ": a preview decoder (TAESD) decodes latents, but " + model.info().name +
                " is a pixel model, whose x̂0 is the image already");
  }
  latent_model->set_preview_decoder(std::move(taesd), origin);
}

void attach_preview_decoder(DiffusionModel& model, const std::string& path) {
  attach_preview_decoder(model, load_preview_decoder(path), path);
}

}  // namespace emergence
