#include "scheduler_cases.h"

#include <cstdio>

#include "core/npy.h"
#include "core/timestep_spacing.h"
#include "test_support.h"

namespace emergence::test {

ReferenceCase load_case(const std::string& name) {
  const std::string dir = "schedulers/" + name;
  const auto json = test::read_case(dir);
  ReferenceCase c;
  c.name = name;
  c.config = scheduler_config_from_json(json["config_full"]);
  c.config.sampler.steps = json["num_inference_steps"].get<int>();
  // A k-diffusion sampler run on the σ schedule of config_full (generate_kdiffusion_cases.py).
  if (json.contains("sampler")) {
    c.config.sampler.name = json["sampler"].get<std::string>();
  }
  c.brownian_noise = json.contains("noise") && json["noise"].value("source", "") == "brownian_tree";
  // A schedule handed to set_timesteps() rather than made from the config (Align Your Steps).
  if (json.contains("schedule")) {
    c.config.sampler.selection.spacing = parse_spacing(json["schedule"].get<std::string>());
  }
  if (json["step_kwargs"].contains("eta")) {
    c.config.sampler.eta = json["step_kwargs"]["eta"].get<double>();
  }
  // diffusers' own arithmetic where ours deliberately differs: DDIM's step() keeps the unclipped
  // ε̂ unless told otherwise and steps to t − T/N, its Heun corrector and DPM2 full step
  // extrapolate on large σ ratios, and its DPM++ 3M SDE weighs D2 by −1 − O(h).
  c.config.sampler.use_clipped_model_output =
      json["step_kwargs"].value("use_clipped_model_output", false);
  c.config.sampler.heun_extrapolate = true;
  c.config.sampler.dpm2_extrapolate = true;
  c.config.sampler.dpmpp_3m_diffusers_d2 = true;
  c.config.sampler.ddim_next_listed = false;
  c.init_noise_sigma = json["init_noise_sigma"].get<double>();
  c.seed = json["seed"].get<uint64_t>();
  auto load = [&](const char* file) { return read_npy(data_path(dir + "/" + file)); };
  c.x_init = load("x_init.npy");
  c.timesteps = load("timesteps.npy");
  c.alphas_cumprod = load("alphas_cumprod.npy");
  c.trajectory = load("trajectory.npy");
  c.model_inputs = load("model_inputs.npy");
  c.model_outputs = load("model_outputs.npy");
  if (FILE* f = std::fopen(data_path(dir + "/sigmas.npy").c_str(), "rb")) {
    std::fclose(f);
    c.sigmas = load("sigmas.npy");
  }
  if (FILE* f = std::fopen(data_path(dir + "/noises.npy").c_str(), "rb")) {
    std::fclose(f);
    c.noises = load("noises.npy");
  }
  return c;
}

std::vector<torch::Tensor> split_draws(const torch::Tensor& noises) {
  std::vector<torch::Tensor> draws;
  if (noises.defined()) {
    for (int64_t k = 0; k < noises.size(0); ++k) {
      draws.push_back(noises[k].clone());
    }
  }
  return draws;
}

torch::Tensor fake_model(const torch::Tensor& x, double t, const Conditioning&) {
  return 0.5f * torch::tanh(x) + static_cast<float>(0.001 * t);
}

}  // namespace emergence::test
