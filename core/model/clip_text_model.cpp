#include "clip_text_model.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>

#include <limits>
#include <memory>

#include "core/error.h"
#include "module_weights.h"

namespace emergence {
namespace clip_text_model_detail {

const std::string kPrefix = "text_model.";

// Ids as int64, or an Error for a shape, type or id the encoder cannot take.
torch::Tensor checked_ids(const torch::Tensor& ids, const ClipTextConfig& c) {
  if (!ids.defined() || ids.dim() != 2 || ids.size(0) < 1) {
    throw Error("CLIP text encoder: input_ids must have shape [batch, tokens]" +
                (ids.defined() ? " (got " + std::to_string(ids.dim()) + " dimensions)"
                               : std::string(" (got no tensor)")));
  }
  if (at::isFloatingType(ids.scalar_type()) || at::isComplexType(ids.scalar_type()) ||
      ids.scalar_type() == at::kBool) {
    throw Error("CLIP text encoder: input_ids must be integers");
  }
  const int64_t tokens = ids.size(1);
  if (tokens < 1 || tokens > c.max_position_embeddings) {
    throw Error("CLIP text encoder: " + std::to_string(tokens) +
                " tokens do not fit its context of 1 to " +
                std::to_string(c.max_position_embeddings) + " (max_position_embeddings)");
  }
  const torch::Tensor long_ids = ids.to(at::kLong);
  const torch::Tensor outside = (long_ids < 0).logical_or_(long_ids >= c.vocab_size);
  if (outside.any().item<bool>()) {
    const torch::Tensor where = outside.nonzero()[0].cpu();
    const int64_t row = where[0].item<int64_t>(), column = where[1].item<int64_t>();
    throw Error("CLIP text encoder: input id " +
                std::to_string(long_ids[row][column].item<int64_t>()) + " (sequence " +
                std::to_string(row) + ", position " + std::to_string(column) +
                ") is outside its vocabulary of " + std::to_string(c.vocab_size) +
                " tokens (0 to " + std::to_string(c.vocab_size - 1) + ")");
  }
  return long_ids;
}

}  // namespace clip_text_model_detail

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& config) : config_(config) {
  using namespace torch::nn;
  validate(config_);
  const int64_t width = config_.hidden_size;
  // Plain modules as containers reproduce transformers' "embeddings." and "encoder.layers.N."
  // prefixes.
  auto embeddings = register_module("embeddings", std::make_shared<Module>());
  token_embedding_ =
      embeddings->register_module("token_embedding", Embedding(config_.vocab_size, width));
  position_embedding_ = embeddings->register_module(
      "position_embedding", Embedding(config_.max_position_embeddings, width));
  auto encoder = register_module("encoder", std::make_shared<Module>());
  ModuleList layers = encoder->register_module("layers", ModuleList());
  for (int i = 0; i < config_.num_hidden_layers; ++i) {
    layers_.push_back(ClipEncoderLayer(config_));
    layers->push_back(layers_.back());
  }
  final_layer_norm_ = register_module(
      "final_layer_norm", LayerNorm(LayerNormOptions({width}).eps(config_.layer_norm_eps)));
}

std::vector<torch::Tensor> ClipTextModelImpl::run(const torch::Tensor& input_ids,
                                                  int layers) const {
  const torch::Tensor& tokens_weight = token_embedding_->weight;
  const torch::Tensor ids =
      clip_text_model_detail::checked_ids(input_ids, config_).to(tokens_weight.device());
  const int64_t tokens = ids.size(1);
  // modeling_clip.py CLIPTextEmbeddings: position ids are arange(T).
  std::vector<torch::Tensor> hidden = {at::embedding(tokens_weight, ids) +
                                       position_embedding_->weight.narrow(0, 0, tokens)};
  // Each position attends to itself and the ones before it (CLIP's causal mask).
  const torch::Tensor mask =
      at::full({tokens, tokens}, -std::numeric_limits<double>::infinity(), hidden[0].options())
          .triu_(1);
  for (int i = 0; i < layers; ++i) {
    hidden.push_back(layers_[i]->forward(hidden.back(), mask));
  }
  return hidden;
}

torch::Tensor ClipTextModelImpl::final_norm(const torch::Tensor& x) const {
  const auto& o = final_layer_norm_->options;
  return at::layer_norm(x, o.normalized_shape(), final_layer_norm_->weight, final_layer_norm_->bias,
                        o.eps());
}

ClipTextOutput ClipTextModelImpl::forward(const torch::Tensor& input_ids) const {
  ClipTextOutput out;
  out.hidden_states = run(input_ids, config_.num_hidden_layers);
  out.last_hidden_state = final_norm(out.hidden_states.back());
  return out;
}

torch::Tensor ClipTextModelImpl::encode(const torch::Tensor& input_ids, int clip_skip) const {
  if (clip_skip < 0 || clip_skip >= config_.num_hidden_layers) {
    throw Error("clip_skip " + std::to_string(clip_skip) + " is out of range for a CLIP text " +
                "encoder of " + std::to_string(config_.num_hidden_layers) +
                " layers: it must be 0 to " + std::to_string(config_.num_hidden_layers - 1));
  }
  return final_norm(run(input_ids, config_.num_hidden_layers - clip_skip).back());
}

void load_clip_text_weights(ClipTextModel& model,
                            const std::map<std::string, torch::Tensor>& tensors,
                            const std::string& origin) {
  const std::string& prefix = clip_text_model_detail::kPrefix;
  std::map<std::string, torch::Tensor> named;
  for (const auto& [name, tensor] : tensors) {
    const bool prefixed = name.compare(0, prefix.size(), prefix) == 0;
    const std::string bare = prefixed ? name.substr(prefix.size()) : name;
    // position_ids is a buffer of arange(T) that old checkpoints saved (sometimes as rounded
    // floats); the projection belongs to CLIPTextModelWithProjection and CLIP, not the encoder.
    if (bare == "embeddings.position_ids" || bare == "text_projection.weight" ||
        bare == "text_projection" || bare == "logit_scale") {
      continue;
    }
    if (!named.emplace(bare, tensor).second) {
      throw Error(origin + ": tensor '" + bare + "' appears both with and without the '" + prefix +
                  "' prefix");
    }
  }
  const ClipTextConfig& c = model->config();
  copy_module_weights(*model, named, origin,
                      "a CLIP text encoder of " + std::to_string(c.num_hidden_layers) +
                          " layers, width " + std::to_string(c.hidden_size));
}

}  // namespace emergence
