// The error for bad input: names the file, line and key, what was given and
// what is allowed, in one line: `job.toml:12: sweep.samples = 0: must be >= 1`.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "partita/error.hpp"

namespace partita::launch {

/// The code point of a Unicode mark that breaks a line or reorders the text
/// around it (U+2028..U+202E, U+2066..U+2069) at text[at], else 0.
inline unsigned line_mark(std::string_view text, std::size_t at) {
  if (at + 2 >= text.size() || static_cast<unsigned char>(text[at]) != 0xE2) return 0;
  const auto b1 = static_cast<unsigned char>(text[at + 1]), b2 = static_cast<unsigned char>(text[at + 2]);
  if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return 0;
  const unsigned code = 0x2000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
  return (code >= 0x2028 && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069) ? code : 0;
}

/// `text` as one line a terminal shows as text: control characters (C0, DEL
/// and C1) and line marks written as TOML escapes (\n, \t, \r, \u001B,
/// \u202E), everything else as is. Escaping escaped text changes nothing.
inline std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0u;
    char escape[16];
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      std::snprintf(escape, sizeof escape, "\\u%04X", c);
      out += escape;
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // U+0080..U+009F in UTF-8
      std::snprintf(escape, sizeof escape, "\\u%04X", next);
      out += escape;
      ++i;
    } else if (const unsigned mark = line_mark(text, i); mark != 0) {
      std::snprintf(escape, sizeof escape, "\\u%04X", mark);
      out += escape;
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

class SpecError : public Error {
 public:
  /// line 0 means the error belongs to the file as a whole. The file's name
  /// and the message are shown with escape_controls: one line, whatever
  /// they hold.
  SpecError(const std::string& file, unsigned line, const std::string& message)
      : Error(located(file, line, message)) {}

 private:
  // Built piecewise: `a + ":" + b` trips a false -Wrestrict in GCC 12.
  static std::string located(const std::string& file, unsigned line, const std::string& message) {
    std::string text = escape_controls(file);
    if (line > 0) {
      text += ':';
      text += std::to_string(line);
    }
    text += ": ";
    text += escape_controls(message);
    return text;
  }
};

}  // namespace partita::launch
