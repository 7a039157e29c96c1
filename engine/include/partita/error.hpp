// Exceptions the library throws. Library code never exits or aborts; it
// throws one of these with the context a user needs, and only the launcher
// (or the host code) decides what the process does next.
#pragma once

#include <stdexcept>
#include <string>

namespace partita {

/// Base of every exception Partita throws itself. (Allocations may still
/// throw std::bad_alloc, and a user's callback's own exception passes
/// through unchanged.) Catch this one to handle every Partita failure.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// MPI is missing, finalised, or offers too low a thread level.
class MpiError : public Error {
 public:
  using Error::Error;
};

/// A caller's value is outside what a function accepts (a size, shape,
/// range, name or thread count), or a call came out of order. The message
/// names the value and the rule. Deliberately not a std::invalid_argument:
/// a class with both std::runtime_error and std::logic_error as bases would
/// have two std::exception bases, and `catch (const std::exception&)` would
/// then not catch it.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// Thrown on the ranks that did not fail, when a collective learns that
/// another rank did (rethrow_on_every_rank): names that rank. The failing
/// rank itself rethrows its own exception.
class RankFailed : public Error {
 public:
  RankFailed(int rank, const std::string& message) : Error(message), rank_(rank) {}
  int rank() const noexcept { return rank_; }

 private:
  int rank_;
};

}  // namespace partita
