// One run at a time per output directory: rank 0 holds an advisory lock
// (flock) on DIR/.partita.lock for the whole run, so a second run, or the
// survivors of a killed one, never write the same journal and files. The
// kernel drops the lock when the process dies, however it dies.
#pragma once

#include <filesystem>
#include <string>

namespace partita::launch {

class RunLock {
 public:
  /// Tries to take the lock (waiting up to 10 s for a holder that is ending:
  /// marked stopping, or on this host with its launcher gone); check held() /
  /// problem().
  explicit RunLock(const std::filesystem::path& output_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  bool held() const noexcept { return fd_ >= 0; }
  /// Says in the lock file that this run is stopping (a signal came), so a
  /// --resume started meanwhile waits up to 10 s for it instead of refusing.
  void mark_stopping() noexcept;
  /// Why the lock could not be taken, naming who holds it; empty if held.
  const std::string& problem() const noexcept { return problem_; }

 private:
  int fd_ = -1;
  std::string problem_;
};

}  // namespace partita::launch
