#include "cli.h"

#include <cstring>
#include <iostream>
#include <string>

#include "core/error.h"

namespace emergence::app {
namespace {

constexpr const char* kUsage =
    "usage: emergence [COMMAND [OPTIONS]]\n"
    "  (no command)   open the main window\n"
    "  version        print the version\n"
    "  help           print this text\n";

}  // namespace

int run_cli(int argc, char** argv) {
  const std::string command = argv[1];
  try {
    if (command == "help" || command == "--help" || command == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (command == "version" || command == "--version") {
      std::cout << "emergence " << EMERGENCE_VERSION << "\n";
      return 0;
    }
    std::cerr << "emergence: unknown command '" << command << "'\n" << kUsage;
    return 2;
  } catch (const Error& e) {
    std::cerr << "emergence " << command << ": " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "emergence " << command << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace emergence::app
