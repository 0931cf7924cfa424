#pragma once

#include <string>

namespace emergence::test {

// Where the suites find their data: tests/data, the built-in model and tests/fuzz in this
// checkout. They live in one generated file (test_paths.cpp.in) rather than in every file's
// flags, where the checkout's path would make each fresh clone miss the compiler cache.
std::string test_data_dir();
std::string builtin_model_dir();
std::string fuzz_dir();

}  // namespace emergence::test
