#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence info FILE.png`: the generation settings a PNG carries (Emergence's, AUTOMATIC1111's
// "parameters" or ComfyUI's "prompt"), what maps onto Emergence's settings and what does not.
int run_info_command(const std::vector<std::string>& args);

}  // namespace emergence::app
