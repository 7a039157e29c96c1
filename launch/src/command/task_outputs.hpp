// A command task's outputs, read from what it printed or wrote: the last
// line of stdout that is a JSON object, name=value lines, or a file of
// either kind. Every declared output must be there with its type.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spec/output_spec.hpp"

namespace partita::launch {

/// What a task reported, by name: each value as text, and whether it was a
/// JSON string (quoted) or bare (a number, true/false, or a name=value value).
struct ReportedValue {
  std::string text;
  bool quoted = false;
  bool composite = false;  ///< a JSON array or object: no output's type
};
using Reported = std::map<std::string, ReportedValue, std::less<>>;

/// Parses one JSON object of scalars (nested values are kept as composite);
/// returns false, with `problem`, when `line` is not one.
bool parse_json_object(std::string_view line, Reported& into, std::string& problem);

/// name=value lines (spaces around both trimmed; other lines ignored).
void parse_key_values(std::string_view text, Reported& into);

/// Fills `values` (one slot per output) and `texts` (the text outputs, in
/// order) from `reported`; returns "" or why the task failed, naming the
/// output and showing the offending text (cut to 80 bytes).
std::string take_outputs(const std::vector<OutputSpec>& outputs, const Reported& reported, std::span<double> values,
                         std::vector<std::string>& texts);

/// `text` cut to `limit` bytes with an ellipsis, controls escaped: for messages.
std::string shown_excerpt(std::string_view text, std::size_t limit = 80);

}  // namespace partita::launch
