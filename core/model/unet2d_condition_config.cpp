#include "unet2d_condition_config.h"

#include <algorithm>
#include <functional>

#include "core/error.h"
#include "core/json_file.h"
#include "unet2d_condition_config_reader.h"

namespace emergence {
namespace {

// Bounds far above real models (SD's widest block has 1,280 channels, its context 1,024) and far
// below int overflow and impossible allocations.
constexpr int kConditionMaxChannels = 16384;
constexpr int kConditionMaxLevels = 16;
constexpr int kConditionMaxLayers = 64;

bool condition_one_of(const std::string& value, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// One value for a bare int in the file, else the list.
template <typename T>
nlohmann::json condition_per_block_json(const std::vector<T>& values) {
  if (values.size() == 1) {
    return nlohmann::json(static_cast<T>(values[0]));
  }
  nlohmann::json list = nlohmann::json::array();
  for (const T v : values) {
    list.push_back(v);
  }
  return list;
}

template <typename T>
T condition_block_value(const std::vector<T>& values, size_t block) {
  return values.size() == 1 ? values[0] : values.at(block);
}

}  // namespace

int UNet2DConditionConfig::heads(size_t block) const {
  return condition_block_value(attention_head_dim, block);
}
int UNet2DConditionConfig::layers(size_t block) const {
  return condition_block_value(layers_per_block, block);
}
int UNet2DConditionConfig::transformer_layers(size_t block) const {
  return condition_block_value(transformer_layers_per_block, block);
}
bool UNet2DConditionConfig::only_cross(size_t block) const {
  return condition_block_value(only_cross_attention, block);
}
int UNet2DConditionConfig::time_embed_dim() const {
  return time_embedding_dim.value_or(4 * block_out_channels.at(0));
}

void validate(const UNet2DConditionConfig& c) {
  auto fail = [](const std::string& message) {
    throw Error("UNet2DConditionModel config: " + message);
  };
  auto in_range = [&](int value, int lo, int hi, const std::string& key) {
    if (value < lo || value > hi) {
      fail(key + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " +
           std::to_string(value) + ")");
    }
  };
  const size_t levels = c.block_out_channels.size();
  if (levels == 0 || levels > static_cast<size_t>(kConditionMaxLevels)) {
    fail("block_out_channels must have 1 to " + std::to_string(kConditionMaxLevels) + " entries");
  }
  if (c.down_block_types.size() != levels || c.up_block_types.size() != levels) {
    fail("down_block_types, up_block_types and block_out_channels must have the same length");
  }
  auto per_block_size = [&](size_t size, const char* key) {
    if (size != 1 && size != levels) {
      fail(std::string(key) + " must be one value or one per block (" + std::to_string(levels) +
           ")");
    }
  };
  per_block_size(c.attention_head_dim.size(), "attention_head_dim");
  per_block_size(c.layers_per_block.size(), "layers_per_block");
  per_block_size(c.transformer_layers_per_block.size(), "transformer_layers_per_block");
  per_block_size(c.only_cross_attention.size(), "only_cross_attention");
  const std::vector<std::string> down_types = {"CrossAttnDownBlock2D", "DownBlock2D"};
  const std::vector<std::string> up_types = {"CrossAttnUpBlock2D", "UpBlock2D"};
  for (const auto& t : c.down_block_types) {
    if (!condition_one_of(t, down_types)) {
      fail("down_block_types: '" + t + "' is not supported (CrossAttnDownBlock2D, DownBlock2D)");
    }
  }
  for (const auto& t : c.up_block_types) {
    if (!condition_one_of(t, up_types)) {
      fail("up_block_types: '" + t + "' is not supported (CrossAttnUpBlock2D, UpBlock2D)");
    }
  }
  if (c.mid_block_type && *c.mid_block_type != "UNetMidBlock2DCrossAttn") {
    fail("mid_block_type '" + *c.mid_block_type +
         "' is not supported (UNetMidBlock2DCrossAttn or null)");
  }
  if (c.sample_size) {
    in_range(*c.sample_size, 1, 4096, "sample_size");
  }
  in_range(c.in_channels, 1, kConditionMaxChannels, "in_channels");
  in_range(c.out_channels, 1, kConditionMaxChannels, "out_channels");
  in_range(c.norm_num_groups, 1, kConditionMaxChannels, "norm_num_groups");
  in_range(c.cross_attention_dim, 1, kConditionMaxChannels, "cross_attention_dim");
  for (size_t i = 0; i < levels; ++i) {
    const int channels = c.block_out_channels[i];
    in_range(channels, 1, kConditionMaxChannels, "every block_out_channels entry");
    if (channels % c.norm_num_groups != 0) {
      fail("block_out_channels entry " + std::to_string(channels) +
           " is not a multiple of norm_num_groups (" + std::to_string(c.norm_num_groups) + ")");
    }
    in_range(c.layers(i), 1, kConditionMaxLayers, "layers_per_block");
    in_range(c.transformer_layers(i), 1, kConditionMaxLayers, "transformer_layers_per_block");
  }
  // Transformer2DModel(heads, channels // heads): every attention site needs 1 to C heads.
  auto check_heads = [&](int heads, int channels, const std::string& site) {
    if (heads < 1 || heads > channels) {
      fail("attention_head_dim (the number of heads) " + std::to_string(heads) + " for " + site +
           " must be in [1, " + std::to_string(channels) + "]");
    }
  };
  for (size_t i = 0; i < levels; ++i) {
    if (c.down_block_types[i] == "CrossAttnDownBlock2D") {
      check_heads(c.heads(i), c.block_out_channels[i], "down_blocks." + std::to_string(i));
    }
    if (c.up_block_types[i] == "CrossAttnUpBlock2D") {
      check_heads(c.heads(levels - 1 - i), c.block_out_channels[levels - 1 - i],
                  "up_blocks." + std::to_string(i));
    }
  }
  if (c.mid_block_type) {
    check_heads(c.heads(levels - 1), c.block_out_channels.back(), "mid_block");
  }
  if (!(c.norm_eps > 0)) {
    fail("norm_eps must be positive");
  }
  if (c.block_out_channels[0] / 2 == c.freq_shift) {
    fail("freq_shift must differ from block_out_channels[0] / 2");
  }
  if (c.time_embedding_dim) {
    in_range(*c.time_embedding_dim, 1, 4 * kConditionMaxChannels, "time_embedding_dim");
  }
  in_range(c.downsample_padding, 0, 8, "downsample_padding");
  for (const auto& [kernel, key] : {std::pair{c.conv_in_kernel, "conv_in_kernel"},
                                    std::pair{c.conv_out_kernel, "conv_out_kernel"}}) {
    if (kernel < 1 || kernel > 15 || kernel % 2 == 0) {
      fail(std::string(key) + " must be an odd size in [1, 15] (got " + std::to_string(kernel) +
           ")");
    }
  }
  if (c.resnet_time_scale_shift != "default" && c.resnet_time_scale_shift != "scale_shift") {
    fail("resnet_time_scale_shift '" + c.resnet_time_scale_shift +
         "' is not supported (default or scale_shift)");
  }
  // TimestepEmbedding and every resnet use act_fn; SD 1/2 use SiLU, whose two names these are.
  if (c.act_fn != "silu" && c.act_fn != "swish") {
    fail("act_fn '" + c.act_fn + "' is not supported (silu, swish)");
  }
}

UNet2DConditionConfig unet2d_condition_config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    throw Error("UNet2DConditionModel config must be a JSON object");
  }
  const UNetConditionConfigReader r(j);
  const auto class_name = j.find("_class_name");
  if (class_name != j.end() && *class_name != "UNet2DConditionModel") {
    throw UNetConditionConfigReader::wrong(
        "_class_name", "is " + json_excerpt(*class_name) + ", not UNet2DConditionModel");
  }
  // SDXL first: its configs also set keys refused below, and "SDXL" is the useful message.
  if (const auto* v = r.find("addition_embed_type")) {
    if (*v == "text_time") {
      throw UNetConditionConfigReader::wrong(
          "addition_embed_type",
          "is \"text_time\": this is an SDXL UNet (pooled text and size "
          "conditioning), which is not supported yet; Stable Diffusion "
          "1.x/2.x only");
    }
    r.refuse_if_set("addition_embed_type", "Kandinsky-style added embeddings");
  }
  if (r.find("num_attention_heads")) {
    throw UNetConditionConfigReader::wrong(
        "num_attention_heads",
        "is set; diffusers v0.35.2 refuses it too: the head count is "
        "attention_head_dim (diffusers issue #2011)");
  }
  r.refuse_if_set("addition_time_embed_dim");
  r.refuse_if_set("projection_class_embeddings_input_dim");
  r.refuse_if_set("class_embed_type", "class conditioning");
  r.refuse_if_set("num_class_embeds", "class conditioning");
  r.refuse_if_set("class_embeddings_concat");
  r.refuse_if_set("encoder_hid_dim", "a projection of the text embeddings");
  r.refuse_if_set("encoder_hid_dim_type", "a projection of the text embeddings");
  r.refuse_if_set("time_cond_proj_dim", "guidance-distilled timestep conditioning");
  r.refuse_if_set("time_embedding_act_fn");
  r.refuse_if_set("timestep_post_act");
  r.refuse_if_set("dual_cross_attention");
  r.refuse_if_set("reverse_transformer_layers_per_block", "an asymmetric UNet");
  if (const auto* v = r.find("time_embedding_type"); v && *v != "positional") {
    throw UNetConditionConfigReader::wrong(
        "time_embedding_type", "is " + json_excerpt(*v) + "; only positional is supported");
  }
  if (const auto* v = r.find("attention_type"); v && *v != "default") {
    throw UNetConditionConfigReader::wrong(
        "attention_type", "is " + json_excerpt(*v) + " (GLIGEN); only default is supported");
  }
  if (r.present("norm_num_groups") && !r.find("norm_num_groups")) {
    throw UNetConditionConfigReader::wrong("norm_num_groups",
                                           "is null (no output GroupNorm); "
                                           "Stable Diffusion UNets use 32");
  }

  UNet2DConditionConfig c;
  if (const auto* size = r.find("sample_size"); size && size->is_array()) {
    if (size->size() != 2 || UNetConditionConfigReader::integer((*size)[0], "sample_size") !=
                                 UNetConditionConfigReader::integer((*size)[1], "sample_size")) {
      throw UNetConditionConfigReader::wrong("sample_size",
                                             "must be one size (square latents only)");
    }
    c.sample_size = UNetConditionConfigReader::integer((*size)[0], "sample_size");
  } else {
    r.get("sample_size", c.sample_size);
  }
  r.get("in_channels", c.in_channels);
  r.get("out_channels", c.out_channels);
  r.get("center_input_sample", c.center_input_sample);
  r.get("flip_sin_to_cos", c.flip_sin_to_cos);
  r.get("freq_shift", c.freq_shift);
  r.get("down_block_types", c.down_block_types);
  r.get("mid_block_type", c.mid_block_type);
  r.get("up_block_types", c.up_block_types);
  r.per_block("only_cross_attention", c.only_cross_attention);
  r.per_block("block_out_channels", c.block_out_channels);
  r.per_block("layers_per_block", c.layers_per_block);
  r.get("downsample_padding", c.downsample_padding);
  r.get("mid_block_scale_factor", c.mid_block_scale_factor);
  r.get("dropout", c.dropout);
  r.get("act_fn", c.act_fn);
  r.get("norm_num_groups", c.norm_num_groups);
  r.get("norm_eps", c.norm_eps);
  std::vector<int> cross_dims;
  r.per_block("cross_attention_dim", cross_dims);
  if (!cross_dims.empty()) {
    // Every block attends to the same encoder_hidden_states, so differing widths cannot all fit.
    if (std::adjacent_find(cross_dims.begin(), cross_dims.end(), std::not_equal_to<>()) !=
        cross_dims.end()) {
      throw UNetConditionConfigReader::wrong("cross_attention_dim",
                                             "lists different widths; only one is supported");
    }
    c.cross_attention_dim = cross_dims[0];
  }
  r.per_block("transformer_layers_per_block", c.transformer_layers_per_block);
  r.per_block("attention_head_dim", c.attention_head_dim);
  r.get("use_linear_projection", c.use_linear_projection);
  r.get("upcast_attention", c.upcast_attention);
  r.get("resnet_time_scale_shift", c.resnet_time_scale_shift);
  r.get("time_embedding_dim", c.time_embedding_dim);
  r.get("conv_in_kernel", c.conv_in_kernel);
  r.get("conv_out_kernel", c.conv_out_kernel);
  r.get("mid_block_only_cross_attention", c.mid_block_only_cross_attention);
  validate(c);
  return c;
}

nlohmann::json to_json(const UNet2DConditionConfig& c) {
  auto optional_value = [](const auto& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {
      {"_class_name", "UNet2DConditionModel"},
      {"_diffusers_version", "0.35.2"},
      {"sample_size", optional_value(c.sample_size)},
      {"in_channels", c.in_channels},
      {"out_channels", c.out_channels},
      {"center_input_sample", c.center_input_sample},
      {"flip_sin_to_cos", c.flip_sin_to_cos},
      {"freq_shift", c.freq_shift},
      {"down_block_types", c.down_block_types},
      {"mid_block_type", optional_value(c.mid_block_type)},
      {"up_block_types", c.up_block_types},
      {"only_cross_attention", condition_per_block_json(c.only_cross_attention)},
      {"block_out_channels", c.block_out_channels},
      {"layers_per_block", condition_per_block_json(c.layers_per_block)},
      {"downsample_padding", c.downsample_padding},
      {"mid_block_scale_factor", c.mid_block_scale_factor},
      {"dropout", c.dropout},
      {"act_fn", c.act_fn},
      {"norm_num_groups", c.norm_num_groups},
      {"norm_eps", c.norm_eps},
      {"cross_attention_dim", c.cross_attention_dim},
      {"transformer_layers_per_block", condition_per_block_json(c.transformer_layers_per_block)},
      {"attention_head_dim", condition_per_block_json(c.attention_head_dim)},
      {"use_linear_projection", c.use_linear_projection},
      {"upcast_attention", c.upcast_attention},
      {"resnet_time_scale_shift", c.resnet_time_scale_shift},
      {"time_embedding_type", "positional"},
      {"time_embedding_dim", optional_value(c.time_embedding_dim)},
      {"conv_in_kernel", c.conv_in_kernel},
      {"conv_out_kernel", c.conv_out_kernel},
      {"mid_block_only_cross_attention", optional_value(c.mid_block_only_cross_attention)}};
}

UNet2DConditionConfig sd15_unet_config() {
  UNet2DConditionConfig c;  // diffusers' defaults are SD 1.x's, but for these two
  c.sample_size = 64;
  c.cross_attention_dim = 768;
  return c;
}

}  // namespace emergence
