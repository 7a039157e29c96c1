// "Did you mean" for mistyped keys and names.
#pragma once

#include <string>
#include <vector>

namespace partita::launch {

/// The candidate closest to `given` by edit distance, or "" when none is
/// close enough to be a plausible typo.
std::string closest_match(const std::string& given, const std::vector<std::string>& candidates);

/// ": did you mean 'x'? allowed: a, b, c" (or just the allowed list).
std::string suggestion(const std::string& given, const std::vector<std::string>& candidates);

}  // namespace partita::launch
