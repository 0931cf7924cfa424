// Reading settings back from PNGs: AUTOMATIC1111's parameters text, ComfyUI's prompt graph and
// Emergence's own, through the PNG text chunks and `emergence info`.
#include "core/parameters_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/info_command.h"
#include "core/branching.h"
#include "core/error.h"
#include "core/media/export/png_text.h"
#include "core/media/export/trajectory_export.h"
#include "temp_folder.h"
#include "test_paths.h"

namespace emergence {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(test::test_data_dir() + "/png_info/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The reasons given for what was not used, by what was read.
std::string reason_for(const ImportedParameters& imported, const std::string& prefix) {
  for (const auto& [what, why] : imported.unmapped) {
    if (what.rfind(prefix, 0) == 0) {
      return why;
    }
  }
  return "";
}

std::string png_with_text(const PngText& text) {
  const std::vector<uint8_t> png =
      encode_png_with_text(cv::Mat(4, 4, CV_8UC3, cv::Scalar(0)), text);
  return std::string(png.begin(), png.end());
}

TEST(ParametersImport, ReadsAnAutomatic1111ParametersText) {
  const ImportedParameters p = import_a1111_parameters(fixture("a1111_parameters.txt"));
  EXPECT_EQ(p.source, "AUTOMATIC1111");
  EXPECT_EQ(p.params.steps, 30);
  EXPECT_EQ(p.params.sampler, "dpmpp_2m");
  EXPECT_EQ(p.params.spacing, Spacing::Karras);
  EXPECT_EQ(p.params.guidance_scale, 7.0);
  EXPECT_EQ(p.params.seed, 1234567890u);
  EXPECT_EQ(p.params.variation_seed, 42u);
  EXPECT_DOUBLE_EQ(p.params.variation_strength, 0.3);
  EXPECT_TRUE(p.has("schedule"));
  EXPECT_NE(reason_for(p, "Prompt: a watercolour fox in the snow, (masterpiece:1.2)\nsoft light"),
            "");
  EXPECT_NE(reason_for(p, "Negative prompt: blurry, lowres, \"bad hands\"").find("no prompt"),
            std::string::npos);
  EXPECT_NE(reason_for(p, "Model: v1-5-pruned-emaonly").find("open that model"), std::string::npos);
  // A quoted value keeps its commas and is one entry.
  EXPECT_NE(reason_for(p, "Lora hashes: add_detail: 7c6bad76eb54, more_art: 1a2b3c4d5e6f"), "");
  EXPECT_NE(reason_for(p, "Clip skip: 2").find("no such setting"), std::string::npos);
  EXPECT_NE(reason_for(p, "Size: 512x768"), "");
}

TEST(ParametersImport, ReadsTheSchedulerInAnOlderSamplerName) {
  const ImportedParameters p = import_a1111_parameters(fixture("a1111_parameters_old.txt"));
  EXPECT_EQ(p.params.sampler, "euler_a");
  EXPECT_EQ(p.params.guidance_scale, 6.5);
  EXPECT_EQ(p.params.seed, 7u);
  EXPECT_FALSE(p.has("schedule")) << "\"Euler a\" names no schedule";
  EXPECT_NE(reason_for(p, "Denoising strength: 0.55").find("image-to-image"), std::string::npos);
  const ImportedParameters karras =
      import_a1111_parameters("Steps: 12, Sampler: DPM++ 2M Karras, CFG scale: 3, Seed: -1");
  EXPECT_EQ(karras.params.spacing, Spacing::Karras);
  EXPECT_FALSE(karras.has("seed"));
  EXPECT_NE(reason_for(karras, "Seed: -1").find("random"), std::string::npos);
}

TEST(ParametersImport, ReadsAComfyUiPromptGraph) {
  const ImportedParameters p = import_comfyui_prompt(fixture("comfyui_prompt.json"));
  EXPECT_EQ(p.source, "ComfyUI");
  EXPECT_EQ(p.params.seed, 156680208700286u);
  EXPECT_EQ(p.params.steps, 25);
  EXPECT_EQ(p.params.guidance_scale, 7.5);
  EXPECT_EQ(p.params.sampler, "dpmpp_2m");
  EXPECT_EQ(p.params.spacing, Spacing::Karras);
  EXPECT_NE(reason_for(p, "node 6 (CLIPTextEncode)").find("no prompt"), std::string::npos);
  EXPECT_NE(reason_for(p, "node 4 (CheckpointLoaderSimple)"), "");
  EXPECT_THROW(import_comfyui_prompt(R"({"1": {"class_type": "SaveImage", "inputs": {}}})"), Error);
  EXPECT_THROW(import_comfyui_prompt("[1, 2"), Error);
}

TEST(ParametersImport, ReadsOurOwnPngsBranchesIncluded) {
  GenerationParams parent;
  parent.sampler = "dpmpp_2m";
  parent.steps = 17;
  parent.seed = 5;
  parent.class_label = 3;
  parent.guidance_scale = 2.5;
  GenerationParams branch = branch_of(parent, 6);
  branch.seed = 8;
  const std::string png = png_with_text(generation_png_text(branch));
  const ImportedParameters p =
      import_png_parameters(read_png_text(std::vector<uint8_t>(png.begin(), png.end())));
  EXPECT_EQ(p.source, "Emergence") << "our JSON wins over our own parameters line";
  EXPECT_EQ(p.params.steps, 17);
  EXPECT_EQ(p.params.seed, 8u);
  ASSERT_TRUE(p.params.parent);
  EXPECT_EQ(p.params.parent->seed, 5u);
  EXPECT_EQ(p.params.branch_step, 6);
  EXPECT_THROW(import_png_parameters({{"Software", "x"}}), Error);
}

TEST(InfoCommand, PrintsWhatMapsAndWhatDoesNot) {
  test::TempFolder folder;
  for (const auto& [file, keyword, text] :
       {std::tuple{"a1111.png", "parameters", fixture("a1111_parameters.txt")},
        std::tuple{"comfy.png", "prompt", fixture("comfyui_prompt.json")}}) {
    std::ofstream(folder.file(file), std::ios::binary) << png_with_text({{keyword, text}});
  }
  std::stringstream captured;
  std::streambuf* old = std::cout.rdbuf(captured.rdbuf());
  app::run_info_command({folder.file("a1111.png")});
  app::run_info_command({folder.file("comfy.png")});
  std::cout.rdbuf(old);
  const std::string out = captured.str();
  EXPECT_NE(out.find("settings from AUTOMATIC1111"), std::string::npos);
  EXPECT_NE(out.find("  sampler: DPM++ 2M\n"), std::string::npos);
  EXPECT_NE(out.find("  schedule: Karras\n"), std::string::npos);
  EXPECT_NE(out.find("settings from ComfyUI"), std::string::npos);
  EXPECT_NE(out.find("not used:"), std::string::npos);
  std::ofstream(folder.file("plain.png"), std::ios::binary) << png_with_text({});
  try {
    app::run_info_command({folder.file("plain.png")});
    ADD_FAILURE() << "a PNG without settings was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("plain.png: the PNG has no generation settings"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace emergence
