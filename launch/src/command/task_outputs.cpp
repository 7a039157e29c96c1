#include "command/task_outputs.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "spec/spec_error.hpp"

namespace partita::launch {

namespace {

// A recursive-descent reader of one JSON value, strict (RFC 8259).
class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}

  bool object(Reported& into) {
    space();
    if (!eat('{')) return error("it does not begin with '{'");
    space();
    if (eat('}')) return end();
    for (;;) {
      std::string key;
      space();
      if (!string(key)) return false;
      space();
      if (!eat(':')) return error("expected ':' after a key");
      space();
      ReportedValue value;
      if (!scalar_or_skip(value)) return false;
      into[key] = std::move(value);
      space();
      if (eat(',')) continue;
      if (eat('}')) return end();
      return error("expected ',' or '}'");
    }
  }
  const std::string& problem() const { return problem_; }

 private:
  bool end() {
    space();
    return at_ == s_.size() || error("text after the object");
  }
  bool error(const std::string& what) {
    if (problem_.empty()) problem_ = fmt::format("{} (at byte {})", what, at_ + 1);
    return false;
  }
  void space() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\r' || s_[at_] == '\n')) ++at_;
  }
  bool eat(char c) {
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  static void utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  bool hex4(unsigned& code) {
    if (at_ + 4 > s_.size()) return error("a short \\u escape");
    code = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[at_++];
      code <<= 4;
      if (c >= '0' && c <= '9') code |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') code |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') code |= static_cast<unsigned>(c - 'A' + 10);
      else return error("a bad \\u escape");
    }
    return true;
  }
  bool string(std::string& out) {
    if (!eat('"')) return error("expected a string");
    while (at_ < s_.size()) {
      const char c = s_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return error("a control character inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= s_.size()) break;
      const char e = s_[at_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned code = 0;
          if (!hex4(code)) return false;
          if (code >= 0xD800 && code < 0xDC00 && literal("\\u")) {
            unsigned low = 0;
            if (!hex4(low)) return false;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          utf8(out, code);
          break;
        }
        default: return error("a bad escape in a string");
      }
    }
    return error("a string is not closed");
  }
  bool number(std::string& out) {
    const std::size_t start = at_;
    eat('-');
    if (at_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[at_]))) return error("a bad number");
    while (at_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[at_])) || s_[at_] == '.' ||
                               s_[at_] == 'e' || s_[at_] == 'E' || s_[at_] == '+' || s_[at_] == '-')) {
      ++at_;
    }
    out.assign(s_.substr(start, at_ - start));
    return true;
  }
  // A nested array or object, skipped: strings inside may hold brackets.
  bool skip_composite() {
    int depth = 0;
    while (at_ < s_.size()) {
      const char c = s_[at_];
      if (c == '"') {
        std::string ignored;
        if (!string(ignored)) return false;
        continue;
      }
      ++at_;
      if (c == '[' || c == '{') ++depth;
      if ((c == ']' || c == '}') && --depth == 0) return true;
    }
    return error("an array or object is not closed");
  }
  bool scalar_or_skip(ReportedValue& value) {
    if (at_ >= s_.size()) return error("expected a value");
    const char c = s_[at_];
    if (c == '"') {
      value.quoted = true;
      return string(value.text);
    }
    if (c == '[' || c == '{') {
      value.composite = true;
      return skip_composite();
    }
    if (literal("true")) return value.text = "true", true;
    if (literal("false")) return value.text = "false", true;
    if (literal("null")) return value.text = "null", true;
    return number(value.text);
  }

  std::string_view s_;
  std::size_t at_ = 0;
  std::string problem_;
};

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string shown_excerpt(std::string_view text, std::size_t limit) {
  // fmt::format, not "'" + text: that trips GCC 12's false -Wrestrict (GCC bug 105651).
  if (text.size() <= limit) return fmt::format("'{}'", escape_controls(text));
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("'{}...' ({} bytes)", escape_controls(text.substr(0, cut)), text.size());
}

bool parse_json_object(std::string_view line, Reported& into, std::string& problem) {
  JsonReader reader(line);
  Reported parsed;
  if (!reader.object(parsed)) {
    problem = reader.problem();
    return false;
  }
  for (auto& [key, value] : parsed) into[key] = std::move(value);
  return true;
}

void parse_key_values(std::string_view text, Reported& into) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = trimmed(line.substr(0, eq));
    if (key.empty() || key.find(' ') != std::string_view::npos) continue;
    into[std::string(key)] = {std::string(trimmed(line.substr(eq + 1))), false, false};
  }
}

std::string take_outputs(const std::vector<OutputSpec>& outputs, const Reported& reported, std::span<double> values,
                         std::vector<std::string>& texts) {
  texts.clear();
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const OutputSpec& output = outputs[o];
    const auto it = reported.find(output.name);
    if (it == reported.end() || (!it->second.quoted && it->second.text == "null")) {
      return fmt::format("output '{}' ({}) is missing from what the task reported", output.name,
                         type_name(output.type));
    }
    const ReportedValue& v = it->second;
    const auto wrong = [&](const char* why) {
      return fmt::format("output '{}' must be {}: got {}{}", output.name,
                         output.type == OutputType::integer ? "an integer" : "a number",
                         v.composite ? std::string("an array or object") : shown_excerpt(v.text), why);
    };
    values[o] = 0.0;
    if (output.type == OutputType::text) {
      if (v.composite) return fmt::format("output '{}' must be a text: got an array or object", output.name);
      texts.push_back(v.text);
      continue;
    }
    if (v.composite || v.quoted) return wrong("");
    if (output.type == OutputType::integer) {
      if (v.text == "true" || v.text == "false") {
        values[o] = v.text == "true" ? 1.0 : 0.0;
        continue;
      }
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
      // Compared as integers: converted to a double first, 2^53 + 1 rounds
      // to 2^53 and would pass as a wrong value.
      constexpr auto max_exact = static_cast<std::int64_t>(max_exact_integer);
      if (ec == std::errc::result_out_of_range ||
          (ec == std::errc() && end == v.text.data() + v.text.size() && (n > max_exact || n < -max_exact))) {
        return wrong(" (beyond 2^53, which results keep exactly; declare it \"text\")");
      }
      if (ec != std::errc() || end != v.text.data() + v.text.size()) return wrong("");
      values[o] = static_cast<double>(n);
      continue;
    }
    double x = 0.0;
    const auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), x);
    if (ec != std::errc() || end != v.text.data() + v.text.size()) return wrong("");
    if (!std::isfinite(x)) return wrong(" (not finite)");
    values[o] = x;
  }
  return {};
}

}  // namespace partita::launch
