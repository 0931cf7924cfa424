#include "generate_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>

#include "app/builtin_model.h"
#include "app/destination_checks.h"
#include "app/export_cli.h"
#include "app/step_progress_writer.h"
#include "core/command_line_options.h"
#include "core/composite_observer.h"
#include "core/decoded_preview_observer.h"
#include "core/display_image.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/image_guide.h"
#include "core/media/export/trajectory_export.h"
#include "core/media/image_file.h"
#include "core/media/image_fit.h"
#include "core/media/spectral_track.h"
#include "core/media/spectrum_csv.h"
#include "core/noise_schedule.h"
#include "core/npy.h"
#include "core/preview_observer.h"
#include "core/sampler_aliases.h"
#include "core/sd/model_loading.h"
#include "core/sd/preview_decoder.h"
#include "core/sd/stable_diffusion_model.h"

namespace emergence::app {
namespace {

constexpr double kAnyNumber = std::numeric_limits<double>::max();

}  // namespace

std::vector<OptionSpec> run_options() {
  const std::string sampler_help = join_names(sampler_names()) +
                                   ", or A1111's or ComfyUI's name; \"DPM++ 2M Karras\" also sets "
                                   "the schedule (default: the model's)";
  const std::string schedule_help =
      join_names(spacing_names()) + ", or A1111's or ComfyUI's name (default: the model's)";
  return {
      {"--model", "PATH",
       "model folder or single-file .safetensors checkpoint (default: the built-in model)"},
      {"--scheduler-config", "FILE", "scheduler_config.json to use instead of the model's own"},
      {"--prediction", "auto|epsilon|v",
       "what a Stable Diffusion model predicts (default auto: the folder's scheduler config; for "
       "a single file, epsilon for SD 1 and a probe of the UNet for SD 2)"},
      {"--sampler", "NAME", sampler_help},
      {"--steps", "N", "number of sampling steps, at most the model's training steps (default 50)"},
      {"--schedule", "NAME", schedule_help},
      {"--shift", "X", "schedule shift; > 1 spends more steps at high noise (default 1)"},
      {"--seed", "S", "seed of the initial noise and of the sampler's noise (default 0)"},
      {"--class", "K", "class index, for class-conditional models"},
      {"--prompt", "TEXT", "what to draw, for text-to-image models (Stable Diffusion)"},
      {"--negative", "TEXT",
       "with --prompt and --guidance > 1: what to steer away from (default: nothing)"},
      {"--width", "W", "image width in pixels, a multiple of 8, for models of any size"},
      {"--height", "H", "image height in pixels, a multiple of 8, for models of any size"},
      {"--clip-skip", "K",
       "skip the text encoder's last K layers (diffusers' clip_skip; A1111's Clip skip 2 is 1)"},
      {"--guidance", "G",
       "classifier-free guidance scale (default 7.5 for prompt models, else 1: none)"},
      {"--eta", "E", "DDIM eta; 0 is deterministic (default 0)"},
      {"--diffusers-exact", "",
       "diffusers' arithmetic where ours differs (DDIM's unclipped noise after clipping and its "
       "t - T/N step, Heun's and DPM2's full steps on large steps, DPM++ 3M SDE's D2 weight)"},
      {"--init-noise", "FILE.npy", "initial latent [1,C,H,W] instead of the seeded draw"},
      {"--init-image", "FILE",
       "start from this picture (PNG, JPEG, WebP, BMP, TIFF): image to image"},
      {"--strength", "S",
       "with --init-image: how much of the schedule runs, in (0, 1]; the last floor(steps*S) "
       "steps run, 1 = from noise (default 0.75)"},
      {"--fit", "crop|pad",
       "how --init-image and --mask are fitted to the model's size (default crop)"},
      {"--mask", "FILE",
       "with --init-image: inpaint where the mask is white, keep the picture where it is black"},
      {"--variation-seed", "V", "blend the initial noise towards this seed's (A1111's variations)"},
      {"--variation-strength", "W",
       "with --variation-seed: 0 = the seed's noise, 1 = the variation seed's (slerp)"},
      threads_option(),
  };
}

namespace {

std::vector<OptionSpec> generate_options() {
  std::vector<OptionSpec> options = run_options();
  options.insert(
      options.end(),
      {
          {"--branch-from", "SIDECAR.json",
           "branch an earlier run (its JSON sidecar) at --at-step: its steps up to there, then "
           "this "
           "run's settings (the parent's where none are given)"},
          {"--at-step", "K", "with --branch-from: the step the branch starts from"},
          {"--save-final", "FILE.npy", "also write the raw final latent, before clamping"},
          {"--save-steps", "DIR",
           "write every step's x_t and x0 guess as numbered PNGs (latent models: the x0 guess "
           "through TAESD on the steps that have one, else the latent→RGB preview)"},
          {"--taesd", "PATH",
           "TAESD for x0 previews every few steps (a diffusers AutoencoderTiny folder or "
           "taesd_decoder.safetensors; default: the model folder's vae_tiny/ if it has one)"},
          {"--device", "NAME",
           "where the model runs: cpu (default), cuda or cuda:N (float16; Stable Diffusion "
           "models only)"},
          {"--spectrum-csv", "FILE", "also write per-step spectra and band lock-in as CSV"},
          {"--out", "FILE.png", "the image to write (required)"},
      });
  return options;
}

std::string resolve_model_dir(const Options& options) {
  if (options.has("--model")) {
    return options.text("--model");
  }
  const std::string builtin = builtin_model_dir();
  if (builtin.empty()) {
    throw Error("no --model given and the built-in model is not installed");
  }
  return builtin;
}

// The run as the options ask for it, with the model's defaults where they are silent. Ranges
// are left to validate_generation, so each parameter has one range and one message.
GenerationParams params_from_options(const Options& options, const ModelInfo& info,
                                     const std::string& model_dir) {
  constexpr auto kIntMin = std::numeric_limits<int>::min();
  constexpr auto kIntMax = std::numeric_limits<int>::max();
  GenerationParams p;
  p.model_path = model_dir;
  p.model_name = info.name;
  p.model_hash = info.hash;
  p.sampler = info.scheduler.sampler.name;
  p.steps = static_cast<int>(options.integer("--steps", 50, kIntMin, kIntMax));
  p.spacing = options.has("--schedule") ? parse_spacing(options.text("--schedule"))
                                        : info.scheduler.sampler.selection.spacing;
  if (options.has("--sampler")) {
    const SamplerChoice choice = parse_sampler_choice(options.text("--sampler"));
    p.sampler = choice.sampler;
    if (choice.schedule && options.has("--schedule") && *choice.schedule != p.spacing) {
      throw Error("--sampler '" + options.text("--sampler") + "' names the " +
                  to_string(*choice.schedule) + " schedule, but --schedule is '" +
                  options.text("--schedule") + "'");
    }
    p.spacing = choice.schedule.value_or(p.spacing);
  }
  p.shift = options.number("--shift", 1.0, -kAnyNumber, kAnyNumber);
  p.seed = options.unsigned_integer("--seed", 0);
  p.class_label = options.integer("--class", -1, 0, std::numeric_limits<int32_t>::max());
  p.guidance_scale =
      options.number("--guidance", default_guidance_scale(info), -kAnyNumber, kAnyNumber);
  p.eta = options.number("--eta", 0.0, -kAnyNumber, kAnyNumber);
  p.diffusers_exact = options.has("--diffusers-exact");
  p.prompt = options.text("--prompt");
  p.negative_prompt = options.text("--negative");
  p.width = static_cast<int>(options.integer("--width", 0, kIntMin, kIntMax));
  p.height = static_cast<int>(options.integer("--height", 0, kIntMin, kIntMax));
  p.clip_skip = static_cast<int>(options.integer("--clip-skip", 0, kIntMin, kIntMax));
  if (info.any_size) {
    // Prompt runs record their size, as A1111's "Size: WxH" does.
    p.width = p.width > 0 ? p.width : info.width * info.latent_scale;
    p.height = p.height > 0 ? p.height : info.height * info.latent_scale;
  }
  return p;
}

// --variation-seed and --variation-strength, over what --from-json gave; `variations` makes its
// grid from its own --variation-* options instead.
void apply_variation_options(const Options& options, GenerationParams& p) {
  if (!options.knows("--variation-seed")) {
    return;
  }
  if (options.has("--variation-seed") != options.has("--variation-strength")) {
    throw Error("--variation-seed and --variation-strength go together");
  }
  if (options.has("--variation-seed")) {
    p.variation_seed = options.unsigned_integer("--variation-seed", 0);
    p.variation_strength = options.number("--variation-strength", 0.0, -kAnyNumber, kAnyNumber);
  }
}

// --init-image, --strength, --fit and --mask: the start image goes into the request, its hash,
// strength, fit and mask into the params (over what --from-json gave).
void apply_image_options(const Options& options, const ModelInfo& info,
                         GenerationRequest& request) {
  GenerationParams& p = request.params;
  if (!options.has("--init-image")) {
    for (const char* option : {"--strength", "--fit", "--mask"}) {
      if (options.has(option)) {
        throw Error(std::string(option) + " only applies with --init-image");
      }
    }
    return;
  }
  const std::string path = options.text("--init-image");
  // A sketch painted in the app is already the model's size: any fit gives it back.
  const std::string saved_fit = p.init_image_fit == "pad" ? "pad" : "crop";
  const ImageFit fit = parse_image_fit(options.has("--fit") ? options.text("--fit") : saved_fit);
  const Image8 image = read_fitted_image(path, info.width, info.height, fit, info.channels);
  const std::string saved_hash = p.init_image_hash;
  set_start_image(request, from_image8(image).unsqueeze(0));
  if (!saved_hash.empty() && saved_hash != p.init_image_hash) {
    throw Error("--init-image " + path + " (fitted by " + to_string(fit) +
                ") is not the start image of --from-json's parameters (sha256 " +
                p.init_image_hash.substr(0, 12) + "…, not " + saved_hash.substr(0, 12) + "…)");
  }
  p.init_image_fit = to_string(fit);
  if (options.has("--strength")) {
    p.strength = options.number("--strength", 0.75, -kAnyNumber, kAnyNumber);
  } else if (saved_hash.empty()) {
    p.strength = 0.75;  // AUTOMATIC1111's default denoising strength
  }
  if (options.has("--mask")) {
    const Image8 mask = read_fitted_mask(options.text("--mask"), info.width, info.height, fit);
    p.mask = mask_to_hex((from_image8(mask) + 1.0f).div(2.0f).unsqueeze(0));
  }
}

// Frames of the run: the initial noise (or noised start image) and one per model call.
int frames_of_run(const ModelInfo& info, const GenerationParams& p) {
  return model_calls_of_run(info, p) + 1;
}

// Every file the run will write, checked before it starts: folders exist and take files, names
// are usable, and nothing is replaced without --overwrite.
void check_destinations(const Options& options, const std::string& out, int frames,
                        const ExportRecorder& exporter) {
  const bool overwrite = options.has("--overwrite");
  check_new_image("--out", out, overwrite);
  for (const char* option : {"--save-final", "--spectrum-csv"}) {
    if (options.has(option)) {
      check_new_file(option, options.text(option), overwrite);
    }
  }
  const std::string steps_dir = options.text("--save-steps");
  if (!steps_dir.empty()) {
    check_output_folder("--save-steps", steps_dir);
    std::vector<std::string> files;
    for (int i = 0; i < frames; ++i) {
      StepFrame frame;
      frame.index = i;
      frame.total = frames - 1;
      files.push_back(StepProgressWriter::frame_path(steps_dir, "xt", frame));
      files.push_back(StepProgressWriter::frame_path(steps_dir, "x0", frame));
    }
    check_not_existing("--save-steps", files, overwrite);
  }
  exporter.check_destinations(frames, out);
}

}  // namespace

bool parse_run_command(Options& options, const std::vector<std::string>& args) {
  options.parse(args);
  use_threads_option(options);
  if (options.help_requested()) {
    std::cout << options.usage();
    return false;
  }
  if (!options.positionals().empty()) {
    throw Error("unexpected argument '" + options.positionals().front() + "'");
  }
  return true;
}

PreparedRun prepare_run(const Options& options, bool branch_options) {
  std::optional<GenerationParams> saved = params_from_json_option(options);
  if (branch_options && options.has("--branch-from")) {
    if (saved) {
      throw Error(
          "--branch-from and --from-json cannot go together: a branch's sidecar holds its "
          "parent, so --from-json alone makes it again");
    }
    if (!options.has("--at-step")) {
      throw Error("--branch-from needs --at-step K, the step the branch starts from");
    }
    saved = generation_params_from_sidecar(options.text("--branch-from"));
  } else if (branch_options && options.has("--at-step")) {
    throw Error("--at-step only applies with --branch-from");
  }
  const std::string model_dir = saved && !options.has("--model") && !saved->model_path.empty()
                                    ? saved->model_path
                                    : resolve_model_dir(options);
  LoadOptions load;
  if (options.has("--scheduler-config")) {
    load.scheduler = read_scheduler_config(options.text("--scheduler-config"));
  }
  load.prediction = parse_prediction_choice(options.text("--prediction", "auto"));
  if (options.knows("--device")) {
    load.device = options.text("--device", "cpu");
  }
  const std::shared_ptr<DiffusionModel> model = open_model(model_dir, load);
  const ModelInfo& info = model->info();

  PreparedRun run;
  run.model = model;
  GenerationRequest& request = run.request;
  request.params = params_from_options(options, info, model_dir);
  GenerationParams& p = request.params;
  if (saved) {
    apply_saved_params(options, *saved, p, std::cerr);
  }
  if (branch_options && options.has("--branch-from")) {
    p.parent = std::make_shared<const GenerationParams>(*saved);
    p.branch_step = static_cast<int>(options.integer("--at-step", 0, 0, 1 << 30));
  }
  apply_variation_options(options, p);
  apply_image_options(options, info, request);
  if (!sampler_uses_eta(p.sampler) && p.eta != 0.0) {
    if (options.has("--eta")) {
      std::cerr << "warning: --eta only changes ddim; " << p.sampler << " ignores it\n";
    }
    p.eta = 0.0;  // record what made the image
  }
  // Everything is checked before the run: no error after minutes of sampling.
  validate_generation(info, p);
  for (const std::string& notice : model->notices(p)) {
    std::cerr << "note: " << notice << "\n";
  }
  if (options.has("--init-noise")) {
    request.initial_noise = read_npy(options.text("--init-noise")).to(torch::kFloat32);
  }
  return run;
}

int run_generate_command(const std::vector<std::string>& args) {
  Options options("emergence generate", with_export_options(generate_options()));
  if (!parse_run_command(options, args)) {
    return 0;
  }
  const std::string out = options.required_text("--out");
  ExportRecorder exporter(options, out);
  // TAESD is checked before the model's load, which takes a minute for SD 1.5 (open_model checks
  // the device first too).
  const std::string taesd_path = options.text("--taesd");
  AutoencoderTiny taesd{nullptr};
  if (!taesd_path.empty()) {
    taesd = load_preview_decoder(taesd_path);
  }
  PreparedRun run = prepare_run(options, true);
  if (taesd) {
    attach_preview_decoder(*run.model, std::move(taesd), taesd_path);
  }
  const ModelInfo& info = run.model->info();
  GenerationRequest& request = run.request;
  const GenerationParams& p = request.params;
  const int frames = frames_of_run(info, p);
  check_destinations(options, out, frames, exporter);

  const std::string steps_dir = options.text("--save-steps");
  if (!steps_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(steps_dir, error);
    if (error) {
      throw Error("cannot create " + steps_dir + ": " + error.message());
    }
  }
  StepProgressWriter progress(steps_dir);
  SpectralTrack spectrum;
  CompositeObserver observers{&progress};
  if (exporter.active()) {
    observers.add(&exporter);
  }
  if (options.has("--spectrum-csv")) {
    observers.add(&spectrum);
  }
  // Progress, steps, exports and spectra see images: a latent model's frames as RGB previews,
  // and x̂0 through TAESD on the frames DecodedPreviewObserver picks.
  PreviewObserver previews(*run.model, &observers);
  DecodedPreviewObserver decoded(*run.model, &previews);
  request.observer = &decoded;

  std::cerr << to_parameters_line(p) << "\n";
  const SamplingResult result = generate(*run.model, request);
  if (options.has("--save-final")) {
    write_npy(options.text("--save-final"), result.latent);
  }
  const Image8 image = to_image8(run.model->decode(result.latent), DisplayMapping::Image);
  write_image(out, image, generation_png_text(p));
  std::cerr << "wrote " << out << "\n";
  exporter.finish(p, image, std::cerr);
  if (options.has("--spectrum-csv")) {
    const auto snapshot = spectrum.snapshot();
    if (!snapshot) {
      throw Error("no frames were sampled, so there is no spectrum to write");
    }
    write_spectrum_csv(options.text("--spectrum-csv"), *snapshot);
    std::cerr << "wrote " << options.text("--spectrum-csv") << "\n";
  }
  return 0;
}

}  // namespace emergence::app
