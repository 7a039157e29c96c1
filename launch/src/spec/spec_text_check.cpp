#include "spec/spec_text_check.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "spec/spec_error.hpp"

namespace partita::launch {

namespace {

// Far above what a job spec needs, well below what would exhaust the parser.
constexpr int max_nesting = 64;
constexpr int max_key_parts = 64;
constexpr std::uint64_t max_rescan_bytes = std::uint64_t{1} << 28;

// Length of the valid UTF-8 sequence at text[at], or 0 if it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_length(const std::string& text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0u; };
  const auto tail = [&](std::size_t i, unsigned lo, unsigned hi) { return byte(i) >= lo && byte(i) <= hi; };
  const unsigned b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return tail(1, 0x80, 0xBF) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    const unsigned lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    return tail(1, lo, hi) && tail(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    const unsigned lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    return tail(1, lo, hi) && tail(2, 0x80, 0xBF) && tail(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// TOML text is UTF-8 without control characters other than tab and line
// ends (a string spells them as escapes, e.g. \u0007).
void check_encoding(const std::string& file, const std::string& text) {
  unsigned line = 1;
  std::size_t line_begin = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t column = i - line_begin + 1;
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      throw SpecError(file, line,
                      fmt::format("malformed TOML: byte 0x{:02x} in column {} is not UTF-8: a job spec must be "
                                  "UTF-8 text",
                                  byte, column));
    }
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) {
      throw SpecError(file, line,
                      fmt::format("malformed TOML: control character 0x{:02x} in column {}: TOML allows only tab "
                                  "and line ends (in a string, write it as \\u{:04X})",
                                  byte, column, byte));
    }
    if (byte == '\n') {
      ++line;
      line_begin = i + 1;
    }
    i += n;
  }
}

// A character of a bare word outside strings: a key, number, date or
// boolean.
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == '.' || c == ':';
}

// What is wrong with the TOML integer (decimal, 0x, 0o or 0b) that `word`,
// a value, starts with, or "" if nothing. TOML calls an integer that does
// not fit in 64 bits an error, but toml11 (3.7) reads the longest integer a
// value starts with, even one followed by garbage, silently clamps decimal,
// hex and octal ones to the largest integer, and overflows a signed integer
// (undefined behaviour) on a binary one of 63 digits or more.
std::string integer_problem(const std::string& word) {
  std::size_t first = 0;
  const bool negative = !word.empty() && word[0] == '-';
  if (!word.empty() && (word[0] == '+' || word[0] == '-')) first = 1;
  unsigned base = 10;
  if (first == 0 && word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'o' || word[1] == 'b')) {
    base = word[1] == 'x' ? 16 : word[1] == 'o' ? 8 : 2;
    first = 2;
  }
  const auto digit = [base](char c) -> int {
    int d = 99;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    return d < static_cast<int>(base) ? d : -1;
  };
  std::size_t end = first;
  while (end < word.size() && (word[end] == '_' || digit(word[end]) >= 0)) ++end;
  if (end == first) return {};
  // A float or a date: toml11 does not read an integer from it.
  if (base == 10 && end < word.size() && std::string_view(".eE:-").find(word[end]) != std::string_view::npos) {
    return {};
  }
  const std::string shown = end <= 40 ? word.substr(0, end) : word.substr(0, 37) + "...";
  const std::uint64_t limit = (std::uint64_t{1} << 63) - (negative ? 0 : 1);
  std::uint64_t value = 0;
  std::size_t digits = 0;
  for (std::size_t i = first; i < end; ++i) {
    if (word[i] == '_') continue;
    const auto d = static_cast<std::uint64_t>(digit(word[i]));
    if (value > (limit - d) / base) {
      return fmt::format("malformed TOML: integer {} does not fit in 64 bits: integers must be in "
                         "[-9223372036854775808, 9223372036854775807]",
                         shown);
    }
    value = value * base + d;
    ++digits;
  }
  if (base == 2 && digits >= 63) {
    return fmt::format("malformed TOML: integer {} has {} binary digits: at most 62 can be read; write it in "
                       "decimal or hex",
                       shown, digits);
  }
  return {};
}

// toml11 (3.7) reads nested lists and tables and dotted keys recursively,
// and for every value rescans the value's whole line and the comment lines
// just above it, copying those comments into the value. So a hostile or
// generated file can overflow the stack, take hours or fill memory, and
// some invalid UTF-8 makes it throw from deep inside. A job spec needs none
// of that, so the raw text is checked first, in one pass: its size and
// encoding and, outside strings and comments, how deep [ and { nest, how
// many dotted parts a key has, and the rescanning the values will cost.
}  // namespace

void check_spec_text(const std::string& file, const std::string& text) {
  if (text.size() > max_spec_bytes) {
    throw SpecError(file, 0, fmt::format("{} bytes: a job spec must be at most {} bytes (4 MiB)", text.size(),
                                         max_spec_bytes));
  }
  check_encoding(file, text);

  enum class In { code, comment, basic, literal, ml_basic, ml_literal };
  In in = In::code;
  unsigned line = 1;
  int depth = 0;
  int dots = 0;  // in the key being read, if it is one
  // This line: where it starts, the values on it (each rescans the line
  // and the comment lines above it), and whether it holds only a comment.
  std::size_t line_begin = 0, values = 0, comments_above = 0;
  bool blank = true, comment_only = false, content = false;
  bool header = false;    // in a [table] or [[table]] line: keys only
  char previous = '\n';  // the last character on this line outside strings, blanks apart
  std::string open;       // the lists ('[') and inline tables ('{') around this point
  std::uint64_t rescans = 0;

  const auto fail = [&](const std::string& message) { throw SpecError(file, line, message); };
  const auto end_line = [&](std::size_t end) {
    const std::size_t length = end - line_begin;
    const std::size_t line_values = values + (content ? 1 : 0);
    rescans += std::uint64_t{line_values} * (length + comments_above);
    if (rescans > max_rescan_bytes) {
      fail(fmt::format("too many values on long lines ({} on this line of {} bytes): the file would take too long "
                       "to read; put long lists over several lines, a few values on each",
                       line_values, length));
    }
    comments_above = comment_only ? comments_above + length : 0;
    ++line;
    line_begin = end;
    values = 0;
    blank = true;
    comment_only = content = header = false;
    previous = '\n';
  };
  const auto run_of = [&](std::size_t i, char quote) {
    std::size_t n = 0;
    while (i + n < text.size() && text[i + n] == quote) ++n;
    return n;
  };

  const bool bom = text.rfind("\xEF\xBB\xBF", 0) == 0;  // toml11 skips it too
  for (std::size_t i = bom ? 3 : 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      if (in == In::comment || in == In::basic || in == In::literal) in = In::code;
      end_line(i + 1);
      continue;
    }
    const bool space = c == ' ' || c == '\t' || c == '\r';
    if (in != In::code) {
      blank = false;
      const bool escape = c == '\\' && (in == In::basic || in == In::ml_basic);
      if (escape && i + 1 < text.size() && text[i + 1] != '\n') {
        ++i;
      } else if (in == In::basic || in == In::literal) {
        if (c == (in == In::basic ? '"' : '\'')) in = In::code;
      } else if (in == In::ml_basic || in == In::ml_literal) {
        const char quote = in == In::ml_basic ? '"' : '\'';
        if (const std::size_t n = run_of(i, quote); c == quote && n >= 3) {
          // Up to two quotes may end the text just inside the closing three.
          i += std::min<std::size_t>(n, 5) - 1;
          in = In::code;
        }
      }
      continue;
    }
    if (blank && !space) {
      comment_only = c == '#';
      content = c != '#';
      header = c == '[' && depth == 0;
      blank = false;
    }
    if (word_char(c) && !header && (i == 0 || !word_char(text[i - 1]))) {
      // A key starts a line, follows a dot, or opens or follows a comma in an
      // inline table; in a list, or after '=', it is a value.
      const bool in_list = !open.empty() && open.back() == '[';
      const bool key = previous == '.' || ((previous == '\n' || previous == ',' || previous == '{') && !in_list);
      std::size_t end = i;
      while (end < text.size() && word_char(text[end])) ++end;
      if (const std::string problem = key ? "" : integer_problem(text.substr(i, end - i)); !problem.empty()) {
        fail(problem);
      }
    }
    if (!space) previous = c;
    if (c == '"' || c == '\'') {
      const bool multi_line = run_of(i, c) >= 3;
      in = c == '"' ? (multi_line ? In::ml_basic : In::basic) : (multi_line ? In::ml_literal : In::literal);
      if (multi_line) i += 2;
    } else if (c == '.') {
      if (++dots >= max_key_parts) {
        fail(fmt::format("a key with more than {} dotted parts: a job spec needs two at most (e.g. sweep.samples)",
                         max_key_parts));
      }
    } else if (c == '[' || c == '{') {
      dots = 0;
      ++values;
      if (!header) open += c;
      if (++depth > max_nesting) {
        fail(fmt::format("lists and tables nested more than {} levels deep: a job spec needs a few at most",
                         max_nesting));
      }
    } else if (c == ']' || c == '}') {
      dots = 0;
      depth = std::max(0, depth - 1);
      if (!header && !open.empty()) open.pop_back();
    } else if (c == '#') {
      in = In::comment;
      dots = 0;
    } else if (c == ',' || c == '=') {
      dots = 0;
      ++values;
    } else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || space)) {
      dots = 0;  // cannot be part of a dotted key
    }
  }
  if (line_begin < text.size()) end_line(text.size());
}


}  // namespace partita::launch
