// Exceptions the library throws. Library code never exits or aborts; it
// throws one of these with the context a user needs, and only the launcher
// (or the host code) decides what the process does next.
#pragma once

#include <cstdint>
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

/// A task's kernel threw; carries the task id so the message can name it.
class TaskError : public Error {
 public:
  TaskError(std::uint64_t task_id, const std::string& what)
      : Error("task " + std::to_string(task_id) + ": " + what), task_id_(task_id) {}
  std::uint64_t task_id() const noexcept { return task_id_; }

 private:
  std::uint64_t task_id_;
};

}  // namespace partita
