#include "partita/worker.hpp"

namespace partita {

namespace {
thread_local int this_worker = -1;
}  // namespace

int current_worker() noexcept { return this_worker; }

void detail::set_current_worker(int worker) noexcept { this_worker = worker; }

}  // namespace partita
