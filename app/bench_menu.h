#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace emergence::app {

// `emergence bench` with no benchmark named, with --help, or with one that does not exist. `args`
// are the words after "bench". Prints the list of benchmarks on out and returns 0 for the first
// two; throws an Error naming the unknown one otherwise.
int run_bench_menu(const std::vector<std::string>& args, std::ostream& out);

}  // namespace emergence::app
