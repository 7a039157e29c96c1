// What ends a job before its verdict: an exit code and one message. Every
// phase of `partita run` turns whatever it throws into a JobFailure, so the
// ranks can agree on one (agreement.hpp) instead of each leaving on its own.
#pragma once

#include <exception>
#include <string>

#include "partita/error.hpp"

namespace partita::launch {

struct JobFailure {
  int code = 0;         ///< an ExitCode (commands/exit_codes.hpp)
  std::string message;  ///< one line: the file, key or task, and the cause
  /// Only an echo of another rank's failure (partita::RankFailed): the
  /// agreement reports the original instead.
  bool echo = false;
};

/// A failure whose exit code the thrower knows (a lost fork server: 75).
class JobError : public Error {
 public:
  JobError(int code, const std::string& message) : Error(message), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

/// The failure an exception stands for: bad input (SpecError) exits 2, a
/// file that cannot be written (IoError) 74, memory exhausted or anything
/// unexpected 1, a JobError its own code; a RankFailed is an echo.
JobFailure failure_of(const std::exception_ptr& error);

}  // namespace partita::launch
