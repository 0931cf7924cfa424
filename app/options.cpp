#include "options.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "core/error.h"

namespace emergence::app {

Options::Options(std::string command, std::vector<OptionSpec> specs, std::string positional_help)
    : command_(std::move(command)),
      specs_(std::move(specs)),
      positional_help_(std::move(positional_help)) {}

const OptionSpec& Options::spec(const std::string& name) const {
  const auto it = std::find_if(specs_.begin(), specs_.end(),
                               [&](const OptionSpec& s) { return s.name == name; });
  if (it == specs_.end()) {
    throw Error("unknown option '" + name + "' (see 'emergence " + command_ + " --help')");
  }
  return *it;
}

void Options::parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-' || (arg[1] != '-' && !std::isalpha(arg[1]))) {
      positionals_.push_back(arg);  // "-0.5" is a value, not an option
      continue;
    }
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const OptionSpec& s = spec(name);
    if (values_.count(name)) {
      throw Error("option " + name + " is given twice");
    }
    if (s.value_name.empty()) {
      if (equals != std::string::npos) {
        throw Error("option " + name + " takes no value");
      }
      values_[name] = "";
    } else if (equals != std::string::npos) {
      values_[name] = arg.substr(equals + 1);
    } else {
      if (i + 1 >= args.size()) {
        throw Error("option " + name + " needs a value (" + name + " " + s.value_name + ")");
      }
      values_[name] = args[++i];
    }
  }
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
  out << "usage: emergence " << command_ << (positional_help_.empty() ? "" : " " + positional_help_)
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

std::vector<std::string> arguments_from(int argc, char** argv, int first) {
  std::vector<std::string> args;
  for (int i = first; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  return args;
}

}  // namespace emergence::app
