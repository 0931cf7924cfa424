#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace emergence::app {

// One command-line option: "--name VALUE" (or "--name=VALUE"), or a flag when value_name is empty.
struct OptionSpec {
  std::string name;        // with the dashes: "--steps"
  std::string value_name;  // shown in the usage text: "N"; empty for a flag
  std::string help;        // one line
};

// A small option parser for the headless subcommands. Every error is an emergence::Error that
// names the option: unknown, given twice, missing its value, or not a valid number. Subcommands
// add options by appending OptionSpecs.
class Options {
 public:
  Options(std::string command, std::vector<OptionSpec> specs, std::string positional_help = "");

  // Throws on unknown, repeated or value-less options. "--help"/"-h" sets help_requested().
  void parse(const std::vector<std::string>& args);

  bool help_requested() const { return help_; }
  bool has(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  std::string text(const std::string& name, const std::string& fallback = "") const;
  std::string required_text(const std::string& name) const;
  // Integer / real values, checked against [min, max].
  int64_t integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  double number(const std::string& name, double fallback, double min, double max) const;
  uint64_t unsigned_integer(const std::string& name, uint64_t fallback) const;

  // "usage: emergence COMMAND [OPTIONS]" and one line per option.
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

// argv[first..argc) as strings.
std::vector<std::string> arguments_from(int argc, char** argv, int first);

}  // namespace emergence::app
