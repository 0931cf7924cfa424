#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace emergence::fuzz {

// One reader of untrusted input, fed one input. A reader may refuse the input with an
// emergence::Error; any other exception, a crash or a sanitizer report is a finding.
using Target = void (*)(const uint8_t* data, size_t size);

struct NamedTarget {
  const char* name;  // also the folder of its corpus and regressions under tests/fuzz/
  Target run;
};

// Every target: npy, safetensors, json_configs, model_folder, sidecar, png_text, image,
// png_info, session.
const std::vector<NamedTarget>& targets();

// Runs the target named `name` on one input, turning an emergence::Error into a refusal.
void run_target(const std::string& name, const uint8_t* data, size_t size);

}  // namespace emergence::fuzz
