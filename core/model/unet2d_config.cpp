#include "unet2d_config.h"

#include <algorithm>
#include <climits>

#include "core/error.h"
#include "core/json_file.h"

namespace emergence {
namespace {

const std::vector<std::string> kDownTypes = {"DownBlock2D", "AttnDownBlock2D"};
const std::vector<std::string> kUpTypes = {"UpBlock2D", "AttnUpBlock2D"};
const std::vector<std::string> kActivations = {"silu", "swish", "mish", "gelu", "relu"};

// Upper bounds that keep every size far above real models yet far below int overflow and
// impossible allocations. The largest diffusers UNets use 1,280 channels; 16,384 leaves 12x room,
// and 4 · 16,384 (the time embedding) still fits an int easily.
constexpr int kMaxChannels = 16384;
// 4096-pixel images halve at most 12 times; 16 levels is more than any sample size can use.
constexpr int kMaxLevels = 16;
// ImageNet-21k has 21,841 classes.
constexpr int kMaxClassEmbeds = 100000;
// noise_schedule's own limit on num_train_timesteps.
constexpr int kMaxTrainTimesteps = 100000;
// diffusers pads by 0 or 1; a huge padding would only inflate every feature map.
constexpr int kMaxDownsamplePadding = 8;

bool one_of(const std::string& value, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    out += (out.empty() ? "" : ", ") + v;
  }
  return out;
}

Error wrong_type(const char* key, const char* expected) {
  return Error(std::string("UNet config key '") + key + "' must be " + expected);
}

// Integers may be written as 2.0 by some tools; fractions and values beyond int are rejected here,
// and validate() applies each key's own range.
int to_int(const nlohmann::json& v, const char* key) {
  return static_cast<int>(
      json_integer(v, std::string("UNet config key '") + key + "'", INT_MIN, INT_MAX));
}

template <typename T>
T convert(const nlohmann::json& v, const char* key);

template <>
int convert<int>(const nlohmann::json& v, const char* key) {
  return to_int(v, key);
}
template <>
double convert<double>(const nlohmann::json& v, const char* key) {
  if (!v.is_number()) {
    throw wrong_type(key, "a number");
  }
  return v.get<double>();
}
template <>
bool convert<bool>(const nlohmann::json& v, const char* key) {
  if (!v.is_boolean()) {
    throw wrong_type(key, "true or false");
  }
  return v.get<bool>();
}
template <>
std::string convert<std::string>(const nlohmann::json& v, const char* key) {
  if (!v.is_string()) {
    throw wrong_type(key, "a string");
  }
  return v.get<std::string>();
}

// A key that is absent keeps its default; null keeps the default too, as diffusers does for
// non-optional arguments.
template <typename T>
void read(const nlohmann::json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it != j.end() && !it->is_null()) {
    out = convert<T>(*it, key);
  }
}

// Optional keys: null means "not set".
template <typename T>
void read(const nlohmann::json& j, const char* key, std::optional<T>& out) {
  const auto it = j.find(key);
  if (it == j.end()) {
    return;
  }
  out = it->is_null() ? std::nullopt : std::optional<T>(convert<T>(*it, key));
}

template <typename T>
void read_list(const nlohmann::json& j, const char* key, std::vector<T>& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return;
  }
  if (!it->is_array()) {
    throw wrong_type(key, "a list");
  }
  out.clear();
  for (const auto& item : *it) {
    out.push_back(convert<T>(item, key));
  }
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// A block with attention and its channel count, named as diffusers' module path.
struct AttentionSite {
  std::string name;
  int channels = 0;
};

std::vector<AttentionSite> attention_sites(const UNet2DConfig& c) {
  std::vector<AttentionSite> sites;
  const size_t levels = c.block_out_channels.size();
  for (size_t i = 0; i < levels; ++i) {
    if (c.down_block_types[i] == "AttnDownBlock2D") {
      sites.push_back({"down_blocks." + std::to_string(i), c.block_out_channels[i]});
    }
  }
  if (c.mid_block_type && c.add_attention) {
    sites.push_back({"mid_block", c.block_out_channels.back()});
  }
  for (size_t i = 0; i < levels; ++i) {
    if (c.up_block_types[i] == "AttnUpBlock2D") {
      sites.push_back({"up_blocks." + std::to_string(i), c.block_out_channels[levels - 1 - i]});
    }
  }
  return sites;
}

}  // namespace

int UNet2DConfig::time_embed_dim() const {
  return time_embedding_dim.value_or(block_out_channels.at(0) * 4);
}

void validate(const UNet2DConfig& c) {
  auto fail = [](const std::string& message) { throw Error("UNet config: " + message); };
  const auto in_range = [&](int value, int lo, int hi, const char* key) {
    if (value < lo || value > hi) {
      fail(std::string(key) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
           "] (got " + std::to_string(value) + ")");
    }
  };
  if (c.block_out_channels.empty()) {
    fail("block_out_channels must not be empty");
  }
  if (c.block_out_channels.size() > static_cast<size_t>(kMaxLevels)) {
    fail("block_out_channels has " + std::to_string(c.block_out_channels.size()) +
         " entries; at most " + std::to_string(kMaxLevels) + " are supported");
  }
  if (c.down_block_types.size() != c.block_out_channels.size() ||
      c.up_block_types.size() != c.block_out_channels.size()) {
    fail("down_block_types, up_block_types and block_out_channels must have the same length");
  }
  for (const auto& t : c.down_block_types) {
    if (!one_of(t, kDownTypes)) {
      fail("down block type '" + t + "' is not supported (supported: " + joined(kDownTypes) + ")");
    }
  }
  for (const auto& t : c.up_block_types) {
    if (!one_of(t, kUpTypes)) {
      fail("up block type '" + t + "' is not supported (supported: " + joined(kUpTypes) + ")");
    }
  }
  if (c.mid_block_type && *c.mid_block_type != "UNetMidBlock2D") {
    fail("mid_block_type '" + *c.mid_block_type + "' is not supported (UNetMidBlock2D or null)");
  }
  if (c.sample_size < 1 || c.sample_size > 4096) {
    fail("sample_size must be in [1, 4096]");
  }
  in_range(c.in_channels, 1, kMaxChannels, "in_channels");
  in_range(c.out_channels, 1, kMaxChannels, "out_channels");
  if (c.layers_per_block < 1 || c.layers_per_block > 64) {
    fail("layers_per_block must be in [1, 64]");
  }
  in_range(c.norm_num_groups, 1, kMaxChannels, "norm_num_groups");
  for (int channels : c.block_out_channels) {
    in_range(channels, 1, kMaxChannels, "every block_out_channels entry");
    if (channels % c.norm_num_groups != 0) {
      fail("every block_out_channels entry must be a positive multiple of norm_num_groups (" +
           std::to_string(c.norm_num_groups) + ")");
    }
  }
  // diffusers builds each attention layer with channels // attention_head_dim heads, so the head
  // size only has to fit the blocks that have attention; the others never read it.
  if (c.attention_head_dim) {
    for (const AttentionSite& site : attention_sites(c)) {
      if (*c.attention_head_dim < 1 || site.channels < *c.attention_head_dim) {
        fail("attention_head_dim " + std::to_string(*c.attention_head_dim) +
             " leaves no attention head in " + site.name + " (" + std::to_string(site.channels) +
             " channels); it must be in [1, " + std::to_string(site.channels) + "]");
      }
    }
  }
  // Only UNetMidBlock2D's attention uses attn_norm_num_groups (UNet2DModel passes it nowhere else).
  const bool mid_attention = c.mid_block_type && c.add_attention;
  if (mid_attention && c.attn_norm_num_groups &&
      (*c.attn_norm_num_groups < 1 || c.block_out_channels.back() % *c.attn_norm_num_groups != 0)) {
    fail("attn_norm_num_groups must divide the mid block's " +
         std::to_string(c.block_out_channels.back()) + " channels");
  }
  if (!(c.norm_eps > 0)) {
    fail("norm_eps must be positive");
  }
  if (c.time_embedding_type != "positional" && c.time_embedding_type != "fourier") {
    fail("time_embedding_type '" + c.time_embedding_type +
         "' is not supported (positional or fourier)");
  }
  if (c.time_embedding_type == "positional" && c.block_out_channels[0] / 2 == c.freq_shift) {
    fail("freq_shift must differ from block_out_channels[0] / 2");
  }
  if (c.time_embedding_dim) {
    in_range(*c.time_embedding_dim, 1, 4 * kMaxChannels, "time_embedding_dim");
  }
  in_range(c.downsample_padding, 0, kMaxDownsamplePadding, "downsample_padding");
  if (c.resnet_time_scale_shift != "default" && c.resnet_time_scale_shift != "scale_shift") {
    fail("resnet_time_scale_shift '" + c.resnet_time_scale_shift +
         "' is not supported (default or scale_shift)");
  }
  if (c.downsample_type != "conv" && c.downsample_type != "resnet") {
    fail("downsample_type must be conv or resnet");
  }
  if (c.upsample_type != "conv" && c.upsample_type != "resnet") {
    fail("upsample_type must be conv or resnet");
  }
  if (!one_of(c.act_fn, kActivations)) {
    fail("act_fn '" + c.act_fn + "' is not supported (" + joined(kActivations) + ")");
  }
  if (c.class_embed_type && *c.class_embed_type != "timestep" &&
      *c.class_embed_type != "identity") {
    fail("class_embed_type '" + *c.class_embed_type +
         "' is not supported (null, timestep or "
         "identity)");
  }
  if (c.num_class_embeds) {
    in_range(*c.num_class_embeds, 1, kMaxClassEmbeds, "num_class_embeds");
  }
  if (c.num_train_timesteps) {
    in_range(*c.num_train_timesteps, 2, kMaxTrainTimesteps, "num_train_timesteps");
  }
}

UNet2DConfig unet2d_config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    throw Error("UNet config must be a JSON object");
  }
  UNet2DConfig c;
  const auto class_name = j.find("_class_name");
  if (class_name != j.end() && *class_name != "UNet2DModel") {
    throw Error("UNet config: _class_name is " + json_excerpt(*class_name) +
                ", only UNet2DModel is supported");
  }
  const auto size = j.find("sample_size");
  if (size != j.end() && size->is_array()) {
    if (size->size() != 2 ||
        to_int((*size)[0], "sample_size") != to_int((*size)[1], "sample_size")) {
      throw Error("UNet config key 'sample_size' must be one size (square images only)");
    }
    c.sample_size = to_int((*size)[0], "sample_size");
  } else {
    read(j, "sample_size", c.sample_size);
  }
  read(j, "in_channels", c.in_channels);
  read(j, "out_channels", c.out_channels);
  read(j, "center_input_sample", c.center_input_sample);
  read(j, "time_embedding_type", c.time_embedding_type);
  read(j, "time_embedding_dim", c.time_embedding_dim);
  read(j, "freq_shift", c.freq_shift);
  read(j, "flip_sin_to_cos", c.flip_sin_to_cos);
  read_list(j, "down_block_types", c.down_block_types);
  read(j, "mid_block_type", c.mid_block_type);
  read_list(j, "up_block_types", c.up_block_types);
  read_list(j, "block_out_channels", c.block_out_channels);
  read(j, "layers_per_block", c.layers_per_block);
  read(j, "mid_block_scale_factor", c.mid_block_scale_factor);
  read(j, "downsample_padding", c.downsample_padding);
  read(j, "downsample_type", c.downsample_type);
  read(j, "upsample_type", c.upsample_type);
  read(j, "dropout", c.dropout);
  read(j, "act_fn", c.act_fn);
  read(j, "attention_head_dim", c.attention_head_dim);
  read(j, "norm_num_groups", c.norm_num_groups);
  read(j, "attn_norm_num_groups", c.attn_norm_num_groups);
  read(j, "norm_eps", c.norm_eps);
  read(j, "resnet_time_scale_shift", c.resnet_time_scale_shift);
  read(j, "add_attention", c.add_attention);
  read(j, "class_embed_type", c.class_embed_type);
  read(j, "num_class_embeds", c.num_class_embeds);
  read(j, "num_train_timesteps", c.num_train_timesteps);
  if (j.contains("attention_legacy_order") && j["attention_legacy_order"] == true) {
    throw Error("UNet config: attention_legacy_order true is not supported");
  }
  validate(c);
  return c;
}

nlohmann::json to_json(const UNet2DConfig& c) {
  return {{"_class_name", "UNet2DModel"},
          {"_diffusers_version", "0.35.2"},
          {"sample_size", c.sample_size},
          {"in_channels", c.in_channels},
          {"out_channels", c.out_channels},
          {"center_input_sample", c.center_input_sample},
          {"time_embedding_type", c.time_embedding_type},
          {"time_embedding_dim", optional_json(c.time_embedding_dim)},
          {"freq_shift", c.freq_shift},
          {"flip_sin_to_cos", c.flip_sin_to_cos},
          {"down_block_types", c.down_block_types},
          {"mid_block_type", optional_json(c.mid_block_type)},
          {"up_block_types", c.up_block_types},
          {"block_out_channels", c.block_out_channels},
          {"layers_per_block", c.layers_per_block},
          {"mid_block_scale_factor", c.mid_block_scale_factor},
          {"downsample_padding", c.downsample_padding},
          {"downsample_type", c.downsample_type},
          {"upsample_type", c.upsample_type},
          {"dropout", c.dropout},
          {"act_fn", c.act_fn},
          {"attention_head_dim", optional_json(c.attention_head_dim)},
          {"norm_num_groups", c.norm_num_groups},
          {"attn_norm_num_groups", optional_json(c.attn_norm_num_groups)},
          {"norm_eps", c.norm_eps},
          {"resnet_time_scale_shift", c.resnet_time_scale_shift},
          {"add_attention", c.add_attention},
          {"class_embed_type", optional_json(c.class_embed_type)},
          {"num_class_embeds", optional_json(c.num_class_embeds)},
          {"num_train_timesteps", optional_json(c.num_train_timesteps)}};
}

UNet2DConfig ddpm_cifar10_config(int sample_size) {
  UNet2DConfig c;
  c.sample_size = sample_size;
  c.block_out_channels = {128, 256, 256, 256};
  c.layers_per_block = 2;
  c.down_block_types = {"DownBlock2D", "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"};
  c.up_block_types = {"UpBlock2D", "UpBlock2D", "AttnUpBlock2D", "UpBlock2D"};
  c.attention_head_dim = std::nullopt;
  c.downsample_padding = 0;
  c.flip_sin_to_cos = false;
  c.freq_shift = 1;
  c.norm_eps = 1e-6;
  return c;
}

}  // namespace emergence
