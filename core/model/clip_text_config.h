#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace emergence {

// transformers' CLIPTextConfig config.json, the fields CLIPTextModel reads (defaults are
// CLIPTextConfig.__init__'s). The token ids and projection_dim are kept for the tokenizer and a
// later projection; the encoder itself does not use them.
struct ClipTextConfig {
  int vocab_size = 49408;
  int hidden_size = 512;
  int intermediate_size = 2048;
  int projection_dim = 512;
  int num_hidden_layers = 12;
  int num_attention_heads = 8;
  int max_position_embeddings = 77;
  std::string hidden_act = "quick_gelu";  // "quick_gelu" (SD 1) or "gelu" (SD 2)
  double layer_norm_eps = 1e-5;
  int pad_token_id = 1;
  int bos_token_id = 49406;
  int eos_token_id = 49407;
};

// Reads a config.json; absent or null keys keep their defaults; a wrong type or a value the encoder
// cannot be built from is an Error naming the key.
ClipTextConfig clip_text_config_from_json(const nlohmann::json& json);
// A config.json that transformers' CLIPTextModel.from_pretrained loads.
nlohmann::json to_json(const ClipTextConfig& config);
// Throws an Error naming the first field that is out of range or inconsistent.
void validate(const ClipTextConfig& config);

}  // namespace emergence
