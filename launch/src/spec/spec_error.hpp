// The error for bad input: names the file, line and key, what was given and
// what is allowed, in one line: `job.toml:12: sweep.samples = 0: must be >= 1`.
#pragma once

#include <string>

#include "partita/error.hpp"

namespace partita::launch {

class SpecError : public Error {
 public:
  /// line 0 means the error belongs to the file as a whole.
  SpecError(const std::string& file, unsigned line, const std::string& message)
      : Error(located(file, line, message)) {}

 private:
  // Built piecewise: `a + ":" + b` trips a false -Wrestrict in GCC 12.
  static std::string located(const std::string& file, unsigned line, const std::string& message) {
    std::string text = file;
    if (line > 0) {
      text += ':';
      text += std::to_string(line);
    }
    text += ": ";
    text += message;
    return text;
  }
};

}  // namespace partita::launch
