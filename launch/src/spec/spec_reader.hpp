// Reading a job file's parsed TOML: every value taken out of the document
// is checked here, and every broken rule becomes a SpecError naming the
// file, the value's line and the key, in one printable line.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <toml.hpp>
#include <vector>

#include "registry/kernel_registry.hpp"
#include "spec/param.hpp"
#include "spec/spec_error.hpp"
#include "spec/suggest.hpp"

namespace partita::launch {

// A message echoes keys and strings as the user wrote them; it must still
// be one line a terminal shows as text (escape_controls), and an echo too
// long to read is cut in the middle, so both the subject and the rule at the
// end stay in view.
inline std::string printable(const std::string& message) {
  std::string out = escape_controls(message);
  constexpr std::size_t keep = 400;
  if (out.size() > 4 * keep) {
    std::size_t head = keep, tail = out.size() - keep;
    while (head > 0 && (static_cast<unsigned char>(out[head]) & 0xC0) == 0x80) --head;  // not inside a character
    while (tail < out.size() && (static_cast<unsigned char>(out[tail]) & 0xC0) == 0x80) ++tail;
    out = out.substr(0, head) + fmt::format(" [... {} bytes ...] ", tail - head) + out.substr(tail);
  }
  return out;
}

// A TOML real that is exactly an integer (1e6, 3.0) means that integer, as
// it would to anyone reading the file; none past the int64 range does.
inline std::optional<std::int64_t> exact_integer(double x) {
  if (!std::isfinite(x) || x != std::trunc(x) || x < -0x1p63 || x >= 0x1p63) return std::nullopt;
  return static_cast<std::int64_t>(x);
}

// Reads values out of the parsed document and turns every broken rule into
// a SpecError that names this file and the value's line.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const toml::value& where, const std::string& message) const {
    throw SpecError(file_, where.location().line(), printable(message));
  }
  [[noreturn]] void fail(const std::string& message) const { throw SpecError(file_, 0, printable(message)); }

  // What a user wrote, as they would recognise it in a message.
  static std::string shown(const toml::value& v) {
    if (v.is_string()) return "\"" + v.as_string().str + "\"";
    if (v.is_integer()) return std::to_string(v.as_integer());
    if (v.is_floating()) return fmt::format("{}", v.as_floating());
    if (v.is_boolean()) return v.as_boolean() ? "true" : "false";
    if (v.is_array()) return "[...]";
    if (v.is_table()) return "{...}";
    return "a date/time";
  }

  static const char* kind(const toml::value& v) {
    if (v.is_string()) return "a string";
    if (v.is_integer()) return "an integer";
    if (v.is_floating()) return "a real";
    if (v.is_boolean()) return "a boolean";
    if (v.is_array()) return "a list";
    if (v.is_table()) return "a table";
    return "a date/time";
  }

  void reject_unknown(const toml::table& table, const std::string& prefix,
                      const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : table) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(value, fmt::format("unknown key '{}{}': {}", prefix, key, suggestion(key, allowed)));
      }
    }
  }

  std::string string(const toml::value& v, const std::string& key) const {
    if (!v.is_string()) fail(v, fmt::format("{} = {}: must be a string (got {})", key, shown(v), kind(v)));
    return v.as_string().str;
  }

  // An integer, or a real that is exactly one (1e6).
  static std::optional<std::int64_t> whole_number(const toml::value& v) {
    if (v.is_integer()) return v.as_integer();
    if (v.is_floating()) return exact_integer(v.as_floating());
    return std::nullopt;
  }
  // Why a real is refused where an integer is wanted, when it is not one.
  static std::string not_one(const toml::value& v) {
    if (!v.is_floating() || (std::isfinite(v.as_floating()) && v.as_floating() == std::trunc(v.as_floating()))) {
      return {};
    }
    return fmt::format(": {} is not one", shown(v));
  }

  std::int64_t integer(const toml::value& v, const std::string& key, std::int64_t lo, std::int64_t hi) const {
    const auto n = whole_number(v);
    if (!n || *n < lo || *n > hi) {
      fail(v, fmt::format("{} = {}: must be an integer in [{}, {}]{}", key, shown(v), lo, hi, not_one(v)));
    }
    return *n;
  }

  const toml::table& table(const toml::value& v, const std::string& key) const {
    if (!v.is_table()) fail(v, fmt::format("'{}' must be a table [{}] (got {})", key, key, kind(v)));
    return v.as_table();
  }

  // A kernel parameter's value, checked against its declared type and range.
  ParamValue param(const toml::value& v, const ParamSpec& spec, const std::string& key) const {
    const std::string rule = allowed_text(spec);
    switch (spec.type) {
      case ParamType::integer: {
        if (!v.is_integer() && !v.is_floating()) {
          fail(v, fmt::format("{} = {}: must be {} (got {})", key, shown(v), rule, kind(v)));
        }
        const auto n = whole_number(v);
        if (!n || static_cast<double>(*n) < spec.min || static_cast<double>(*n) > spec.max) {
          fail(v, fmt::format("{} = {}: must be {}{}", key, shown(v), rule, not_one(v)));
        }
        return *n;
      }
      case ParamType::real: {
        double x = 0.0;
        if (v.is_floating()) {
          x = v.as_floating();
        } else if (v.is_integer()) {
          x = static_cast<double>(v.as_integer());
        } else {
          fail(v, fmt::format("{} = {}: must be {} (got {})", key, shown(v), rule, kind(v)));
        }
        if (!std::isfinite(x) || x < spec.min || x > spec.max) {
          fail(v, fmt::format("{} = {}: must be {}", key, shown(v), rule));
        }
        return x;
      }
      case ParamType::choice: {
        if (!v.is_string()) fail(v, fmt::format("{} = {}: must be {} (got {})", key, shown(v), rule, kind(v)));
        const std::string& s = v.as_string().str;
        if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
          fail(v, fmt::format("{} = {}: {}", key, shown(v), suggestion(s, spec.choices)));
        }
        return s;
      }
    }
    fail(v, "unreachable parameter type");
  }

  // A parameter of a command job, which has no schema: its type is its
  // TOML type (an integer, a real or a string; a real that is exactly an
  // integer stays a real: 2.0 prints as 2).
  ParamValue free_param(const toml::value& v, const std::string& key) const {
    if (v.is_integer()) return static_cast<std::int64_t>(v.as_integer());
    if (v.is_floating()) {
      if (!std::isfinite(v.as_floating())) fail(v, fmt::format("{} = {}: must be finite", key, shown(v)));
      return v.as_floating();
    }
    if (v.is_string()) return v.as_string().str;
    fail(v, fmt::format("{} = {}: a command's parameter must be an integer, a real or a string (got {}){}", key,
                        shown(v), kind(v), v.is_boolean() ? "; write 0 or 1, or \"true\"" : ""));
  }

  const ParamSpec& param_spec(const KernelInfo& kernel, const std::string& section, const std::string& name,
                              const toml::value& where) const {
    const ParamSpec* spec = kernel.find_param(name);
    if (spec == nullptr) {
      fail(where, fmt::format("unknown key '{}.{}': kernel '{}' has no parameter '{}'; {}", section, name,
                              kernel.name, name, suggestion(name, kernel.param_names())));
    }
    return *spec;
  }

 private:
  std::string file_;
};

}  // namespace partita::launch
