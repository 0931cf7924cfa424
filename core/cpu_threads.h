#pragma once

namespace emergence {

// The physical cores this process may run on (hyper-thread siblings counted once), at least 1.
int physical_core_count();

// libtorch's intra-op threads for the rest of the process: `threads` > 0 fixes that many (the
// `--threads` option); 0 lets every model run choose between one thread and every physical core
// by timing its calls (ThreadChooser). Throws Error outside [0, 256].
void use_threads(int threads);

// The count use_threads() fixed, or 0 when runs choose their own.
int fixed_threads();

}  // namespace emergence
