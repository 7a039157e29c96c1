// Exceptions the library throws. Library code never exits or aborts; it
// throws one of these with the context a user needs, and only the launcher
// (or the host code) decides what the process does next.
#pragma once

#include <stdexcept>
#include <string>

namespace partita {

/// Base of every exception Partita throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// MPI is missing, finalised, or offers too low a thread level.
class MpiError : public Error {
 public:
  using Error::Error;
};

}  // namespace partita
