// A strict, minimal JSON syntax check (RFC 8259) for the files and events
// partita writes: report.json, the trace, --progress json lines. It answers
// "would a JSON parser accept this?", not what the values mean.
#pragma once

#include <string>

namespace partita::cli_test {

/// Empty when `text` is one valid JSON value (surrounded by whitespace at
/// most); otherwise what is wrong and the byte offset.
std::string json_error(const std::string& text);

}  // namespace partita::cli_test
