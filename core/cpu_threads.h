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

// libgomp reads OMP_WAIT_POLICY once, as it loads, before main(). Unless the user set it, this
// sets PASSIVE and executes the program again (/proc/self/exe, same arguments), so that OpenMP
// threads sleep instead of spinning while they wait; if that fails the program goes on as is.
// Call it first thing in main().
void restart_with_passive_openmp_wait(char** argv);

}  // namespace emergence
