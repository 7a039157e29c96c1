// --deadline: when a run must stop starting tasks.
#pragma once

#include <optional>
#include <string>

namespace partita::launch {

/// Seconds from now: "3600" (seconds), "1h30m" / "90m" / "45s" (a
/// duration), or "HH:MM" / "HH:MM:SS" (a clock time today, local time; past
/// times are an error). nullopt when the text is none of these.
std::optional<double> parse_deadline(const std::string& text);

}  // namespace partita::launch
