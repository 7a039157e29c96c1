// What a task reports: its outputs, each a number, an integer or a text.
// One model serves the built-in kernels and the user's own commands: both
// declare their outputs this way, and results.csv, summary.csv and the
// journal treat them alike.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace partita::launch {

enum class OutputType {
  number,   ///< a finite double
  integer,  ///< a whole number, kept exactly up to 2^53 in magnitude
  text,     ///< any UTF-8 text; in results only (no statistics)
};

struct OutputSpec {
  std::string name;
  std::string doc;
  OutputType type = OutputType::number;
};

/// "number", "integer", "text": as a job file names them.
const char* type_name(OutputType type);

/// Numbers and integers have means; texts do not.
inline bool has_statistics(OutputType type) { return type != OutputType::text; }

/// The largest magnitude an integer output may have: every integer up to
/// it is a double exactly, which is how results keep it.
inline constexpr double max_exact_integer = 9007199254740992.0;  // 2^53

/// True when `outputs` holds a text output: then each task's texts travel
/// with its values (pack_texts).
bool has_text_outputs(const std::vector<OutputSpec>& outputs);

/// One task's text outputs, in their declared order, as one string for the
/// journal and the gather to rank 0: each text's length (4 bytes,
/// little-endian) then its bytes.
std::string pack_texts(std::span<const std::string> texts);
/// The `count` texts pack_texts made; fewer (the rest empty) if `packed`
/// was cut short.
std::vector<std::string> unpack_texts(std::string_view packed, std::size_t count);

}  // namespace partita::launch
