// The raw text of a job spec, checked before the TOML parser sees it:
// toml11 (3.7) recurses into nested values, rescans lines per value and
// mishandles some integers and invalid UTF-8, so a hostile or generated
// file could crash it or take hours. A job spec needs none of that.
#pragma once

#include <cstddef>
#include <string>

namespace partita::launch {

/// Larger spec files are refused unread.
inline constexpr std::size_t max_spec_bytes = std::size_t{4} << 20;

/// Throws SpecError naming `file` and the line for: invalid UTF-8 or control
/// bytes, integers TOML cannot hold in 64 bits, lists/tables nested or keys
/// dotted deeper than a spec could need, and lines whose parsing cost would
/// explode. Not collective; pure.
void check_spec_text(const std::string& file, const std::string& text);

}  // namespace partita::launch
