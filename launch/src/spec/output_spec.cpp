#include "spec/output_spec.hpp"

#include <algorithm>
#include <cstring>

namespace partita::launch {

const char* type_name(OutputType type) {
  switch (type) {
    case OutputType::number: return "number";
    case OutputType::integer: return "integer";
    case OutputType::text: return "text";
  }
  return "number";
}

bool has_text_outputs(const std::vector<OutputSpec>& outputs) {
  return std::any_of(outputs.begin(), outputs.end(), [](const OutputSpec& o) { return o.type == OutputType::text; });
}

std::string pack_texts(std::span<const std::string> texts) {
  std::string packed;
  for (const auto& text : texts) {
    const auto size = static_cast<std::uint32_t>(text.size());
    char length[4];
    std::memcpy(length, &size, 4);  // little-endian hosts only, as the journal
    packed.append(length, 4);
    packed += text;
  }
  return packed;
}

std::vector<std::string> unpack_texts(std::string_view packed, std::size_t count) {
  std::vector<std::string> texts(count);
  for (auto& text : texts) {
    if (packed.size() < 4) break;
    std::uint32_t size = 0;
    std::memcpy(&size, packed.data(), 4);
    packed.remove_prefix(4);
    if (packed.size() < size) break;
    text.assign(packed.substr(0, size));
    packed.remove_prefix(size);
  }
  return texts;
}

}  // namespace partita::launch
