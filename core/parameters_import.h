#pragma once

#include <map>
#include <string>
#include <vector>

#include "generation_params.h"

namespace emergence {

// Settings read back from another image's metadata: Emergence's own "emergence" JSON, an
// AUTOMATIC1111 "parameters" text (prompt, "Negative prompt:", then "Key: value, …") or a ComfyUI
// "prompt" graph (its KSampler node). What maps onto our settings is in params and named in
// `mapped`; everything else is listed in `unmapped` with the reason.
struct ImportedParameters {
  std::string source;  // "Emergence", "AUTOMATIC1111" or "ComfyUI"
  GenerationParams params;
  // Our setting → what was read, e.g. {"sampler", "DPM++ 2M Karras"}; only these were set.
  std::vector<std::pair<std::string, std::string>> mapped;
  std::vector<std::pair<std::string, std::string>> unmapped;  // what was read → why it is not used

  bool has(const std::string& setting) const;
};

// AUTOMATIC1111's infotext (modules/infotext_utils.py parse_generation_parameters: the last line
// holds the Key: value pairs, values possibly "quoted, with commas").
ImportedParameters import_a1111_parameters(const std::string& text);
// A ComfyUI API prompt: node id → {class_type, inputs}; the first KSampler or KSamplerAdvanced.
ImportedParameters import_comfyui_prompt(const std::string& json_text);

// Copies the settings that were read (and only those) into params.
void apply_imported(const ImportedParameters& imported, GenerationParams& params);

// From a PNG's text chunks (read_png_text): Emergence's JSON first, then A1111's, then ComfyUI's.
// Error when none of them is there or it cannot be read, naming the chunk.
ImportedParameters import_png_parameters(const std::map<std::string, std::string>& text);

}  // namespace emergence
