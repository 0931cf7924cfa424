#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

#include "clip_encoder_layer.h"
#include "clip_text_config.h"
#include "clip_text_weights.h"

namespace emergence {

struct ClipTextOutput {
  torch::Tensor last_hidden_state;           // final_layer_norm(hidden_states.back())
  std::vector<torch::Tensor> hidden_states;  // [0] the embeddings, [i] after layer i
};

// transformers' CLIPTextModel (modeling_clip.py CLIPTextTransformer), the text encoder of Stable
// Diffusion 1 and 2: token + position embeddings, pre-LN causal transformer layers and
// final_layer_norm. Parameters carry transformers' names after "text_model.".
class ClipTextModelImpl : public torch::nn::Module {
 public:
  explicit ClipTextModelImpl(const ClipTextConfig& config);
  // input_ids [B, T] of any integer type, 1 ≤ T ≤ max_position_embeddings, every id in the
  // vocabulary (else an Error naming the id and where it is).
  ClipTextOutput forward(const torch::Tensor& input_ids) const;
  // The UNet's context as diffusers' encode_prompt builds it: final_layer_norm of
  // hidden_states[-(clip_skip + 1)], running only the layers it needs; clip_skip 0 is
  // last_hidden_state, and it must be below num_hidden_layers.
  torch::Tensor encode(const torch::Tensor& input_ids, int clip_skip = 0) const;
  const ClipTextConfig& config() const { return config_; }

 private:
  // The embeddings and the output of each of the first `layers` layers.
  std::vector<torch::Tensor> run(const torch::Tensor& input_ids, int layers) const;
  torch::Tensor final_norm(const torch::Tensor& x) const;

  ClipTextConfig config_;
  torch::nn::Embedding token_embedding_{nullptr};
  torch::nn::Embedding position_embedding_{nullptr};
  std::vector<ClipEncoderLayer> layers_;
  torch::nn::LayerNorm final_layer_norm_{nullptr};
};
TORCH_MODULE(ClipTextModel);

// Loads transformers-named weights, with or without the "text_model." prefix (transformers ≥ 5.6
// drops it); position_ids (of any dtype), text_projection and logit_scale are ignored. Missing,
// unexpected or misshapen tensors are an Error starting with `origin`.
void load_clip_text_weights(ClipTextModel& model,
                            const std::map<std::string, torch::Tensor>& tensors,
                            const std::string& origin);

}  // namespace emergence
