#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace emergence {

// One command-line option: "--name VALUE" (or "--name=VALUE"), or a flag when value_name is empty.
struct OptionSpec {
  std::string name;        // with the dashes: "--steps"
  std::string value_name;  // shown in the usage text: "N"; empty for a flag
  std::string help;        // one line
};

// The options of one headless subcommand, read with CLI11 (Debian's libcli11-dev). Every error is
// an emergence::Error that names the option: unknown, given twice, missing its value, or not a
// valid number in range. Subcommands add options by appending OptionSpecs.
class Options {
 public:
  // `command` as the user types it: "emergence generate", "emergence-train".
  Options(std::string command, std::vector<OptionSpec> specs, std::string positional_help = "");

  // Throws on unknown, repeated or value-less options. "--help"/"-h" sets help_requested().
  void parse(const std::vector<std::string>& args);

  bool help_requested() const { return help_; }
  bool has(const std::string& name) const;
  // Whether this command takes the option at all (has() of an unknown name is an Error).
  bool knows(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  std::string text(const std::string& name, const std::string& fallback = "") const;
  std::string required_text(const std::string& name) const;
  // Integer / real values, checked against [min, max].
  int64_t integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  double number(const std::string& name, double fallback, double min, double max) const;
  uint64_t unsigned_integer(const std::string& name, uint64_t fallback) const;

  // "usage: COMMAND [OPTIONS]" and one line per option.
  std::string usage() const;

 private:
  const OptionSpec& spec(const std::string& name) const;

  std::string command_;
  std::vector<OptionSpec> specs_;
  std::string positional_help_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

// "--threads N": libtorch's intra-op threads, for every command that runs a model.
OptionSpec threads_option();
// Applies --threads N when given, else lets each run choose (use_threads(0)).
void use_threads_option(const Options& options);

// "a, b or c", for the usage text of an option that takes one of several names.
std::string join_names(const std::vector<std::string>& names);

// argv[first..argc) as strings.
std::vector<std::string> arguments_from(int argc, char** argv, int first);

}  // namespace emergence
