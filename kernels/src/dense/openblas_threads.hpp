// Gives each OpenBLAS call the thread count its caller asked for, although
// OpenBLAS (pthreads build) keeps that count in ONE process-wide variable
// that every call reads when it starts. Without care, a task that set 2
// threads would make another task's single-threaded call use 2 as well, and
// two tasks setting different counts would race.
//
// The protocol, a readers-writer lock around the setting:
//  - single-threaded calls share: the first one in sets OpenBLAS to 1 thread,
//    the last one out restores what it found; any number run side by side,
//    each on its caller's thread only (OpenBLAS locks its own buffers);
//  - a call with T > 1 threads is exclusive: it waits until no other call
//    runs, sets T, runs, restores. OpenBLAS would serialise concurrent
//    threaded calls on its one thread pool anyway.
// A waiting threaded call blocks new single-threaded ones, so it cannot
// starve. Only calls made through this guard are coordinated.
#pragma once

namespace partita::kernels::dense::detail {

class OpenBlasThreads {
 public:
  /// Blocks until OpenBLAS may run with `threads` threads for this caller.
  explicit OpenBlasThreads(int threads);
  /// Restores the setting found when the last overlapping call began.
  ~OpenBlasThreads();
  OpenBlasThreads(const OpenBlasThreads&) = delete;
  OpenBlasThreads& operator=(const OpenBlasThreads&) = delete;

 private:
  int threads_;
};

}  // namespace partita::kernels::dense::detail
