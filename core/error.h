#pragma once

#include <stdexcept>
#include <string>

namespace emergence {

// The one exception type core throws: its message names the file, tensor or parameter at fault.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace emergence
