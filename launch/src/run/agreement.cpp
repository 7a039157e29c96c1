#include "run/agreement.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#include "run/rank_messages.hpp"

namespace partita::launch {

FailureWatchdog::FailureWatchdog(const Context& ctx) : ctx_(ctx) {}

FailureWatchdog::~FailureWatchdog() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  agreed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FailureWatchdog::arm(const JobFailure& failure) {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || done_) return;  // the first failure is the one to report
  thread_ = std::thread([this, failure] {
    std::unique_lock wait(mutex_);
    const auto patience = std::chrono::duration<double>(agreement_patience());
    if (agreed_.wait_for(wait, patience, [this] { return done_; })) return;
    JobFailure stuck = failure;
    stuck.message = fmt::format("rank {}: {} (the other ranks did not answer within {:.0f} s: aborting the job)",
                                ctx_.rank(), failure.message, agreement_patience());
    abort_job(ctx_, stuck);
  });
}

double agreement_patience() {
  if (const char* text = std::getenv("PARTITA_AGREEMENT_SECONDS")) {
    char* end = nullptr;
    const double seconds = std::strtod(text, &end);
    if (end != text && *end == '\0' && seconds > 0.0) return seconds;
  }
  return 10.0;
}

std::optional<JobFailure> agree_on_failure(const Context& ctx, const std::optional<JobFailure>& mine,
                                           bool name_rank) {
  if (ctx.size() == 1) return mine;
  FailureWatchdog watchdog(ctx);
  if (mine) watchdog.arm(*mine);
  // The first rank with a failure of its own (an echo of another rank's
  // counts only where no rank has one), how many failed, and whether they
  // all say the same (a bad job file fails every rank alike: no rank to name).
  const std::uint64_t said = mine ? std::hash<std::string>{}(mine->message) : 0;
  const int size = ctx.size();
  int first = !mine ? 2 * size : mine->echo ? size + ctx.rank() : ctx.rank();
  int failed = mine && !mine->echo ? 1 : 0;
  std::uint64_t lowest = mine ? said : UINT64_MAX;
  std::uint64_t highest = said;
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, ctx.comm());
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_SUM, ctx.comm());
  MPI_Allreduce(MPI_IN_PLACE, &lowest, 1, MPI_UINT64_T, MPI_MIN, ctx.comm());
  MPI_Allreduce(MPI_IN_PLACE, &highest, 1, MPI_UINT64_T, MPI_MAX, ctx.comm());
  if (first == 2 * size) return std::nullopt;
  first = first < size ? first : first - size;
  failed = std::max(failed, 1);
  JobFailure agreed{mine ? mine->code : 0, mine ? mine->message : std::string()};
  MPI_Bcast(&agreed.code, 1, MPI_INT, first, ctx.comm());
  agreed.message = broadcast_text(ctx, agreed.message, first);
  if (!name_rank || (failed == size && lowest == highest)) return agreed;
  agreed.message = fmt::format("rank {}: {}{}", first, agreed.message,
                               failed > 1 ? fmt::format(" ({} other rank(s) failed too)", failed - 1) : "");
  return agreed;
}

int agree_on_code(const Context& ctx, int code_on_rank_0) {
  MPI_Bcast(&code_on_rank_0, 1, MPI_INT, 0, ctx.comm());
  return code_on_rank_0;
}

void abort_job(const Context& ctx, const JobFailure& failure) {
  std::fprintf(stderr, "partita: error: %s\n", failure.message.c_str());
  std::fflush(nullptr);
  if (ctx.size() > 1) MPI_Abort(MPI_COMM_WORLD, failure.code);
  std::_Exit(failure.code);
}

}  // namespace partita::launch
