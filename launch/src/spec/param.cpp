#include "spec/param.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace partita::launch {

const char* type_name(ParamType type) {
  switch (type) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "real";
    case ParamType::choice: return "string";
  }
  return "?";
}

std::string to_text(const ParamValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return fmt::format("{}", *d);
  return std::get<std::string>(value);
}

std::string allowed_text(const ParamSpec& spec) {
  if (spec.type == ParamType::choice) {
    std::string list;
    for (const auto& c : spec.choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
    return "one of " + list;
  }
  if (spec.type == ParamType::integer) {
    return fmt::format("an integer in [{}, {}]", static_cast<std::int64_t>(spec.min),
                       static_cast<std::int64_t>(spec.max));
  }
  return fmt::format("a real in [{}, {}]", spec.min, spec.max);
}

void ParamSet::set(const std::string& name, ParamValue value) {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) {
      values_[i] = std::move(value);
      return;
    }
  }
  names_.push_back(name);
  values_.push_back(std::move(value));
}

const ParamValue& ParamSet::at(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return values_[i];
  }
  throw std::out_of_range("no parameter '" + name + "'");
}

}  // namespace partita::launch
