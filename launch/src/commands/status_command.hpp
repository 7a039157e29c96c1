// `partita status DIR`: how far a job has got, from its journal alone.
#pragma once

#include <string>

namespace partita::launch {

/// Prints done / failed / remaining counts; returns an ExitCode (2 when DIR
/// holds no journal or one that cannot be read).
int status_command(const std::string& dir);

}  // namespace partita::launch
