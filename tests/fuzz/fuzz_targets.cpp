// The fuzz targets of issue 17: every reader of a file a stranger may hand the app.
#include "fuzz_targets.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/generation_params.h"
#include "core/json_file.h"
#include "core/media/export/png_text.h"
#include "core/media/export/trajectory_export.h"
#include "core/media/image_file.h"
#include "core/media/session_file.h"
#include "core/model/model_folder.h"
#include "core/model/safetensors.h"
#include "core/model/unet2d_config.h"
#include "core/npy.h"
#include "core/parameters_import.h"
#include "core/scheduler_config.h"
#include "core/sd/ldm_checkpoint.h"

namespace emergence::fuzz {
namespace {

namespace fs = std::filesystem;

// A folder of this process's own under the temporary directory (TMPDIR=/dev/shm keeps it in RAM),
// removed when the process exits.
struct ScratchDir {
  fs::path path = fs::temp_directory_path() / ("emergence-fuzz-" + std::to_string(getpid()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const fs::path& scratch() {
  static const ScratchDir dir;
  return dir.path;
}

fs::path write_input(const std::string& name, const uint8_t* data, size_t size) {
  const fs::path path = scratch() / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

void npy(const uint8_t* data, size_t size) { read_npy(write_input("input.npy", data, size)); }

void safetensors(const uint8_t* data, size_t size) {
  const std::string path = write_input("model.safetensors", data, size);
  read_safetensors_metadata(path);
  read_safetensors(path);
}

// The lenient JSON reader and every config reader on top of it, each on the same document.
void json_configs(const uint8_t* data, size_t size) {
  const nlohmann::json json = parse_lenient_json(text_of(data, size), "fuzz input");
  const auto each = [&](auto&& reader) {
    try {
      reader();
    } catch (const Error&) {
    }
  };
  each([&] { validate(unet2d_config_from_json(json)); });
  each([&] { scheduler_config_from_json(json); });
  each([&] { generation_params_from_json(json); });
  each([&] { json_string_list(json, "fuzz input"); });
}

// A pipeline folder as the model picker reads it: model_index.json, unet/config.json,
// scheduler/scheduler_config.json and emergence.json, all four the input.
void model_folder(const uint8_t* data, size_t size) {
  const fs::path root = scratch() / "pipeline";
  for (const char* file : {"model_index.json", "unet/config.json",
                           "scheduler/scheduler_config.json", "emergence.json"}) {
    write_input(std::string("pipeline/") + file, data, size);
  }
  read_model_folder(root.string());
}

// An export's JSON sidecar, as `generate --from-json` reads it.
void sidecar(const uint8_t* data, size_t size) {
  generation_params_from_sidecar(write_input("frame.json", data, size).string());
}

void png_text(const uint8_t* data, size_t size) {
  read_png_text(std::vector<uint8_t>(data, data + size));
}

// Other apps' settings as `emergence info` and a drop on the window read them: the input as an
// A1111 parameters text, as a ComfyUI prompt graph and as both chunks of a PNG.
void png_info(const uint8_t* data, size_t size) {
  const std::string text = text_of(data, size);
  const auto each = [&](auto&& reader) {
    try {
      reader();
    } catch (const Error&) {
    }
  };
  each([&] { import_a1111_parameters(text); });
  each([&] { import_comfyui_prompt(text); });
  each([&] { import_png_parameters({{"parameters", text}, {"prompt", text}}); });
}

// A `.emergence` session file, as File › Open Session reads it.
void session(const uint8_t* data, size_t size) {
  read_session(write_input("input.emergence", data, size).string());
}

// Images go through OpenCV's decoders (PNG, JPEG, WebP, BMP, TIFF, …, by content).
void image(const uint8_t* data, size_t size) {
  const std::string path = write_input("input.png", data, size);
  check_image_readable(path);
  read_image(path);
}

// A single-file checkpoint as open_model reads it before loading weights: the classification
// and refusals, the renaming, the configs from shapes.
void ldm_checkpoint(const uint8_t* data, size_t size) {
  const std::string path = write_input("model.safetensors", data, size);
  const SafetensorsFile file(path);
  read_ldm_checkpoint(path, file.tensors(), file.skipped());
}

}  // namespace

const std::vector<NamedTarget>& targets() {
  static const std::vector<NamedTarget> all = {
      {"npy", npy},
      {"safetensors", safetensors},
      {"json_configs", json_configs},
      {"model_folder", model_folder},
      {"sidecar", sidecar},
      {"png_text", png_text},
      {"image", image},
      {"png_info", png_info},
      {"session", session},
      {"ldm_checkpoint", ldm_checkpoint},
  };
  return all;
}

void run_target(const std::string& name, const uint8_t* data, size_t size) {
  for (const NamedTarget& t : targets()) {
    if (name == t.name) {
      try {
        t.run(data, size);
      } catch (const Error&) {
        // A clear refusal is the right answer to a bad input.
      }
      return;
    }
  }
  throw std::invalid_argument("no fuzz target named " + name);
}

}  // namespace emergence::fuzz
