#include "partita/schedule.hpp"

#include <charconv>

#include "partita/error.hpp"

namespace partita {

Schedule Schedule::parse(std::string_view text) {
  const auto fail = [&text]() -> Schedule {
    throw InvalidArgument("schedule \"" + std::string(text) +
                          "\": must be static, cyclic, dynamic, dynamic:CHUNK (CHUNK >= 1), guided or auto");
  };
  if (text == "static") return {Kind::static_block, 0};
  if (text == "cyclic") return {Kind::cyclic, 0};
  if (text == "dynamic") return {Kind::dynamic, 1};
  if (text == "guided") return {Kind::guided, 0};
  if (text == "auto") return {Kind::automatic, 0};
  constexpr std::string_view prefix = "dynamic:";
  if (text.substr(0, prefix.size()) != prefix) return fail();
  const std::string_view digits = text.substr(prefix.size());
  std::uint64_t chunk = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), chunk);
  if (error != std::errc() || end != digits.data() + digits.size() || chunk == 0) return fail();
  return {Kind::dynamic, chunk};
}

std::string Schedule::name() const {
  switch (kind) {
    case Kind::static_block: return "static";
    case Kind::cyclic: return "cyclic";
    case Kind::dynamic: return "dynamic:" + std::to_string(chunk == 0 ? 1 : chunk);
    case Kind::guided: return "guided";
    case Kind::automatic: return "auto";
  }
  return "?";
}

}  // namespace partita
