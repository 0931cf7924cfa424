#include "command_line_options.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "core/cpu_threads.h"
#include "core/error.h"

namespace emergence {

Options::Options(std::string command, std::vector<OptionSpec> specs, std::string positional_help)
    : command_(std::move(command)),
      specs_(std::move(specs)),
      positional_help_(std::move(positional_help)) {}

const OptionSpec& Options::spec(const std::string& name) const {
  const auto it = std::find_if(specs_.begin(), specs_.end(),
                               [&](const OptionSpec& s) { return s.name == name; });
  if (it == specs_.end()) {
    throw Error("unknown option '" + name + "' (see '" + command_ + " --help')");
  }
  return *it;
}

void Options::parse(const std::vector<std::string>& args) {
  // CLI11 reads the words; the values stay text until integer()/number() check them. Unknown
  // words come back as extras, so that the messages below can name them.
  CLI::App cli(command_);
  cli.set_help_flag();
  cli.allow_extras();
  cli.add_flag("-h,--help", help_);
  std::vector<std::pair<const OptionSpec*, CLI::Option*>> added;
  std::map<std::string, std::string> values;
  for (const OptionSpec& s : specs_) {
    CLI::Option* option = s.value_name.empty()
                              ? cli.add_flag(s.name)->disable_flag_override()
                              : cli.add_option(s.name, values[s.name])->type_name(s.value_name);
    added.emplace_back(&s, option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    cli.parse(reversed);
  } catch (const CLI::ArgumentMismatch& e) {
    // CLI11 begins this message with the option's name: "--steps: 1 required N missing", or
    // "overwrite was given a disallowed flag override".
    const std::string what = e.what();
    std::string name = what.substr(0, what.find_first_of(": "));
    name = name.rfind('-', 0) == 0 ? name : "--" + name;
    const auto s = std::find_if(specs_.begin(), specs_.end(),
                                [&](const OptionSpec& spec) { return spec.name == name; });
    if (s == specs_.end()) {
      throw Error(what);
    }
    if (s->value_name.empty()) {
      throw Error("option " + name + " takes no value");
    }
    throw Error("option " + name + " needs a value (" + name + " " + s->value_name + ")");
  } catch (const CLI::ParseError& e) {
    throw Error(std::string(e.what()) + " (see '" + command_ + " --help')");
  }
  for (const std::string& extra : cli.remaining()) {
    if (extra.size() >= 2 && extra[0] == '-' &&
        !std::isdigit(static_cast<unsigned char>(extra[1])) && extra[1] != '.') {
      spec(extra.substr(0, extra.find('=')));  // throws: an option we do not know
    }
    positionals_.push_back(extra);  // "-0.5" is a value, not an option
  }
  for (const auto& [s, option] : added) {
    if (option->count() > 1) {
      throw Error("option " + s->name + " is given twice");
    }
    if (option->count() == 1) {
      values_[s->name] = s->value_name.empty() ? "" : values[s->name];
    }
  }
}

bool Options::knows(const std::string& name) const {
  return std::any_of(specs_.begin(), specs_.end(),
                     [&](const OptionSpec& s) { return s.name == name; });
}

bool Options::has(const std::string& name) const {
  spec(name);
  return values_.count(name) != 0;
}

std::string Options::text(const std::string& name, const std::string& fallback) const {
  spec(name);
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string Options::required_text(const std::string& name) const {
  if (!has(name)) {
    throw Error("missing required option " + name + " " + spec(name).value_name);
  }
  return values_.at(name);
}

int64_t Options::integer(const std::string& name, int64_t fallback, int64_t min,
                         int64_t max) const {
  if (!has(name)) {
    return fallback;
  }
  const std::string& v = values_.at(name);
  char* end = nullptr;
  errno = 0;
  const long long parsed = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno == ERANGE) {
    throw Error("option " + name + " expects an integer, got '" + v + "'");
  }
  if (parsed < min || parsed > max) {
    throw Error("option " + name + " must be in [" + std::to_string(min) + ", " +
                std::to_string(max) + "] (got " + v + ")");
  }
  return parsed;
}

double Options::number(const std::string& name, double fallback, double min, double max) const {
  if (!has(name)) {
    return fallback;
  }
  const std::string& v = values_.at(name);
  char* end = nullptr;
  const double parsed = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(parsed)) {
    throw Error("option " + name + " expects a number, got '" + v + "'");
  }
  if (parsed < min || parsed > max) {
    std::ostringstream m;
    m << "option " << name << " must be in [" << min << ", " << max << "] (got " << v << ")";
    throw Error(m.str());
  }
  return parsed;
}

uint64_t Options::unsigned_integer(const std::string& name, uint64_t fallback) const {
  if (!has(name)) {
    return fallback;
  }
  const std::string& v = values_.at(name);
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0])) || *end != '\0') {
    throw Error("option " + name + " expects a non-negative integer, got '" + v + "'");
  }
  if (errno == ERANGE) {
    throw Error("option " + name + " must be in [0, " +
                std::to_string(std::numeric_limits<uint64_t>::max()) + "] (got " + v + ")");
  }
  return parsed;
}

std::string Options::usage() const {
  std::ostringstream out;
  out << "usage: " << command_ << (positional_help_.empty() ? "" : " " + positional_help_)
      << " [OPTIONS]\n";
  size_t width = 0;
  for (const auto& s : specs_) {
    width = std::max(width, s.name.size() + 1 + s.value_name.size());
  }
  for (const auto& s : specs_) {
    std::string left = s.name + (s.value_name.empty() ? "" : " " + s.value_name);
    left.resize(width, ' ');
    out << "  " << left << "  " << s.help << "\n";
  }
  return out.str();
}

OptionSpec threads_option() {
  return {"--threads", "N",
          "CPU threads (default: each run times 1 and every physical core and keeps the faster)"};
}

void use_threads_option(const Options& options) {
  use_threads(static_cast<int>(options.integer("--threads", 0, 1, 256)));
}

std::string join_names(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return text;
}

std::vector<std::string> arguments_from(int argc, char** argv, int first) {
  std::vector<std::string> args;
  for (int i = first; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  return args;
}

}  // namespace emergence
