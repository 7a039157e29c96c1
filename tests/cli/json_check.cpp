#include "json_check.hpp"

#include <cctype>
#include <stdexcept>

namespace partita::cli_test {

namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  void document() {
    value();
    space();
    if (pos_ != text_.size()) fail("text after the value");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(what + " at byte " + std::to_string(pos_));
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' ||
                                   text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void literal(const char* word) {
    for (const char* p = word; *p != '\0'; ++p) expect(*p);
  }

  void value() {
    space();
    switch (peek()) {
      case '{': object(); break;
      case '[': array(); break;
      case '"': string(); break;
      case 't': literal("true"); break;
      case 'f': literal("false"); break;
      case 'n': literal("null"); break;
      default: number();
    }
  }

  void object() {
    expect('{');
    space();
    if (peek() == '}') {
      ++pos_;
      return;
    }
    for (;;) {
      space();
      string();
      space();
      expect(':');
      value();
      space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect('}');
      return;
    }
  }

  void array() {
    expect('[');
    space();
    if (peek() == ']') {
      ++pos_;
      return;
    }
    for (;;) {
      value();
      space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect(']');
      return;
    }
  }

  void string() {
    expect('"');
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c < 0x20) fail("control character in a string");
      if (c == '\\') {
        ++pos_;
        const char e = peek();
        if (e == 'u') {
          for (int i = 0; i < 4; ++i) {
            ++pos_;
            if (!std::isxdigit(static_cast<unsigned char>(peek()))) fail("bad \\u escape");
          }
        } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos || e == '\0') {
          fail("bad escape");
        }
      }
      ++pos_;
    }
    expect('"');
  }

  void digits() {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a digit");
    while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
  }

  void number() {
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else {
      digits();
    }
    if (peek() == '.') {
      ++pos_;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      digits();
    }
  }

  const std::string& text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string json_error(const std::string& text) {
  try {
    Parser(text).document();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return {};
}

}  // namespace partita::cli_test
