#pragma once

#include <string>

namespace emergence {

// The data Emergence ships under resources/ (the built-in model, the CLIP vocabulary), found as
// installed (<prefix>/share/emergence/<relative> beside <prefix>/bin), in the source tree above a
// build tree's app/ or tests/ folder, or in the source tree this was built from. Empty when none
// of them has it (a file or a folder).
std::string shipped_resource(const std::string& relative);

// resources/clip/bpe_simple_vocab_16e6.txt.gz, openai CLIP's BPE vocabulary (MIT), for
// checkpoints that carry no tokenizer. Error saying it is not installed when it cannot be found.
std::string shipped_clip_vocabulary();

}  // namespace emergence
