#include "dense/openblas_threads.hpp"

#include <condition_variable>
#include <mutex>

// OpenBLAS's own calls (cblas.h declares them too; declaring them here keeps
// the build independent of which cblas.h the system's alternatives pick).
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace partita::kernels::dense::detail {

namespace {

struct State {
  std::mutex mutex;
  std::condition_variable changed;
  int single_calls = 0;        // single-threaded calls running now
  bool threaded_call = false;  // a call with threads > 1 is running
  int threaded_waiting = 0;    // calls with threads > 1 waiting to start
  int saved = 0;               // OpenBLAS's setting before the current group of calls
};

State& state() {
  static State s;
  return s;
}

}  // namespace

OpenBlasThreads::OpenBlasThreads(int threads) : threads_(threads > 1 ? threads : 1) {
  State& s = state();
  std::unique_lock lock(s.mutex);
  if (threads_ == 1) {
    s.changed.wait(lock, [&s] { return !s.threaded_call && s.threaded_waiting == 0; });
    if (s.single_calls++ == 0) {
      s.saved = openblas_get_num_threads();
      openblas_set_num_threads(1);
    }
  } else {
    ++s.threaded_waiting;
    s.changed.wait(lock, [&s] { return !s.threaded_call && s.single_calls == 0; });
    --s.threaded_waiting;
    s.threaded_call = true;
    s.saved = openblas_get_num_threads();
    openblas_set_num_threads(threads_);
  }
}

OpenBlasThreads::~OpenBlasThreads() {
  State& s = state();
  {
    const std::lock_guard lock(s.mutex);
    if (threads_ == 1) {
      if (--s.single_calls == 0) openblas_set_num_threads(s.saved);
    } else {
      openblas_set_num_threads(s.saved);
      s.threaded_call = false;
    }
  }
  s.changed.notify_all();
}

}  // namespace partita::kernels::dense::detail
