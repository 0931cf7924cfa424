#include "clip_text_config.h"

#include <climits>
#include <cmath>

#include "core/error.h"
#include "core/json_file.h"

namespace emergence {
namespace clip_text_config_detail {

// Bounds far above every CLIP text encoder (OpenCLIP bigG: width 1280, MLP 5120, 32 layers,
// vocabulary 49,408, 77 positions; long-context variants 248) yet small enough that no product of
// them overflows or asks for an impossible allocation.
constexpr int kMaxWidth = 16384;
constexpr int kMaxLayers = 256;
constexpr int kMaxVocabulary = 1 << 22;
constexpr int kMaxPositions = 65536;

std::string key_name(const char* key) { return std::string("CLIP text config key '") + key + "'"; }

void read_int(const nlohmann::json& j, const char* key, int& out) {
  const auto it = j.find(key);
  if (it != j.end() && !it->is_null()) {
    out = static_cast<int>(json_integer(*it, key_name(key), INT_MIN, INT_MAX));
  }
}

void in_range(int value, int lo, int hi, const char* key) {
  if (value < lo || value > hi) {
    throw Error("CLIP text config: " + std::string(key) + " must be in [" + std::to_string(lo) +
                ", " + std::to_string(hi) + "] (got " + std::to_string(value) + ")");
  }
}

}  // namespace clip_text_config_detail

void validate(const ClipTextConfig& c) {
  namespace d = clip_text_config_detail;
  d::in_range(c.vocab_size, 1, d::kMaxVocabulary, "vocab_size");
  d::in_range(c.hidden_size, 1, d::kMaxWidth, "hidden_size");
  d::in_range(c.intermediate_size, 1, 4 * d::kMaxWidth, "intermediate_size");
  d::in_range(c.projection_dim, 1, d::kMaxWidth, "projection_dim");
  d::in_range(c.num_hidden_layers, 1, d::kMaxLayers, "num_hidden_layers");
  d::in_range(c.num_attention_heads, 1, c.hidden_size, "num_attention_heads");
  d::in_range(c.max_position_embeddings, 1, d::kMaxPositions, "max_position_embeddings");
  if (c.hidden_size % c.num_attention_heads != 0) {
    throw Error("CLIP text config: hidden_size " + std::to_string(c.hidden_size) +
                " is not divisible by num_attention_heads " +
                std::to_string(c.num_attention_heads));
  }
  if (c.hidden_act != "quick_gelu" && c.hidden_act != "gelu") {
    throw Error("CLIP text config: hidden_act '" + printable(c.hidden_act) +
                "' is not supported (quick_gelu or gelu)");
  }
  if (!(c.layer_norm_eps > 0) || !std::isfinite(c.layer_norm_eps)) {
    throw Error("CLIP text config: layer_norm_eps must be a positive number");
  }
}

ClipTextConfig clip_text_config_from_json(const nlohmann::json& j) {
  namespace d = clip_text_config_detail;
  if (!j.is_object()) {
    throw Error("CLIP text config must be a JSON object");
  }
  ClipTextConfig c;
  d::read_int(j, "vocab_size", c.vocab_size);
  d::read_int(j, "hidden_size", c.hidden_size);
  d::read_int(j, "intermediate_size", c.intermediate_size);
  d::read_int(j, "projection_dim", c.projection_dim);
  d::read_int(j, "num_hidden_layers", c.num_hidden_layers);
  d::read_int(j, "num_attention_heads", c.num_attention_heads);
  d::read_int(j, "max_position_embeddings", c.max_position_embeddings);
  d::read_int(j, "pad_token_id", c.pad_token_id);
  d::read_int(j, "bos_token_id", c.bos_token_id);
  d::read_int(j, "eos_token_id", c.eos_token_id);
  if (const auto it = j.find("hidden_act"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) {
      throw Error(d::key_name("hidden_act") + " must be a string (got " + json_excerpt(*it) + ")");
    }
    c.hidden_act = it->get<std::string>();
  }
  if (const auto it = j.find("layer_norm_eps"); it != j.end() && !it->is_null()) {
    c.layer_norm_eps = json_number(*it, d::key_name("layer_norm_eps"));
  }
  validate(c);
  return c;
}

nlohmann::json to_json(const ClipTextConfig& c) {
  return {{"architectures", {"CLIPTextModel"}},
          {"model_type", "clip_text_model"},
          {"vocab_size", c.vocab_size},
          {"hidden_size", c.hidden_size},
          {"intermediate_size", c.intermediate_size},
          {"projection_dim", c.projection_dim},
          {"num_hidden_layers", c.num_hidden_layers},
          {"num_attention_heads", c.num_attention_heads},
          {"max_position_embeddings", c.max_position_embeddings},
          {"hidden_act", c.hidden_act},
          {"layer_norm_eps", c.layer_norm_eps},
          {"attention_dropout", 0.0},
          {"pad_token_id", c.pad_token_id},
          {"bos_token_id", c.bos_token_id},
          {"eos_token_id", c.eos_token_id}};
}

}  // namespace emergence
