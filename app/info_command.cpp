#include "info_command.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "core/command_line_options.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/media/export/png_text.h"
#include "core/parameters_import.h"

namespace emergence::app {
namespace {

std::vector<uint8_t> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot open " + path);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int run_info_command(const std::vector<std::string>& args) {
  Options options("emergence info", {}, "FILE.png");
  options.parse(args);
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  if (options.positionals().size() != 1) {
    throw Error("give one PNG file");
  }
  const std::string path = options.positionals().front();
  ImportedParameters imported;
  try {
    imported = import_png_parameters(read_png_text(read_whole_file(path)));
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  std::cout << path << ": settings from " << imported.source << "\n";
  for (const auto& [setting, value] : imported.mapped) {
    std::cout << "  " << setting << ": " << printable(value) << "\n";
  }
  if (!imported.unmapped.empty()) {
    std::cout << "not used:\n";
    for (const auto& [what, why] : imported.unmapped) {
      std::cout << "  " << printable(what) << " (" << why << ")\n";
    }
  }
  return 0;
}

}  // namespace emergence::app
