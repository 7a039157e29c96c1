// Kernel parameters as the launcher sees them: their declared types, ranges
// and defaults (ParamSpec), and one task's values (ParamSet).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace partita::launch {

enum class ParamType { integer, real, choice };

using ParamValue = std::variant<std::int64_t, double, std::string>;

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::integer;
  ParamValue default_value;
  double min = 0.0;                  ///< inclusive; integer and real only
  double max = 0.0;                  ///< inclusive
  std::vector<std::string> choices;  ///< choice only
  std::string doc;
};

const char* type_name(ParamType type);

/// The value as it appears in CSV and messages: integers exactly, reals in
/// their shortest round-trip form, strings unquoted.
std::string to_text(const ParamValue& value);

/// "integer in [1, 1000000]", "real in [-1e300, 1e300]", "one of a, b".
std::string allowed_text(const ParamSpec& spec);

/// One task's parameter values, in the kernel's declared order.
class ParamSet {
 public:
  void set(const std::string& name, ParamValue value);
  std::int64_t integer(const std::string& name) const { return std::get<std::int64_t>(at(name)); }
  double real(const std::string& name) const { return std::get<double>(at(name)); }
  const std::string& text(const std::string& name) const { return std::get<std::string>(at(name)); }
  const ParamValue& at(const std::string& name) const;
  const std::vector<std::string>& names() const noexcept { return names_; }
  const std::vector<ParamValue>& values() const noexcept { return values_; }

 private:
  std::vector<std::string> names_;
  std::vector<ParamValue> values_;
};

}  // namespace partita::launch
