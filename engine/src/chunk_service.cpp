#include "chunk_service.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace partita::detail {

namespace {

constexpr int request_tag = 7101;
constexpr int reply_tag = 7102;

struct Request {
  std::uint64_t chunks_wanted;
  std::uint64_t tasks_done;
  double busy_seconds;
  std::uint64_t failed;  ///< a task failed or the rank was told to stop: hand out no more
};

// Polling sleeps that grow while nothing happens, up to a millisecond, and
// shrink when something does. The communication thread shares its core
// with a worker: each wake-up takes the worker's place for a few
// microseconds, so it must be rare. A millisecond is short next to the
// reserve each rank holds (a chunk per worker; auto chunks last ~10 ms).
class Backoff {
 public:
  explicit Backoff(std::chrono::microseconds shortest) : shortest_(shortest), wait_(shortest) {}
  void reset() noexcept { wait_ = shortest_; }
  void pause() {
    std::this_thread::sleep_for(wait_);
    wait_ = std::min(wait_ * 2, longest);
  }

 private:
  static constexpr std::chrono::microseconds longest{1000};
  std::chrono::microseconds shortest_;
  std::chrono::microseconds wait_;
};

double meter_seconds(const CostMeter& meter) {
  return static_cast<double>(meter.busy_ns.load(std::memory_order_relaxed)) * 1e-9;
}

// Chunks a queue should hold: refill below the low-water mark (one per
// worker), up to twice that.
std::uint64_t wanted(const ChunkQueue& queue) {
  const std::uint64_t left = queue.chunks_left();
  return left < queue.low_water() ? 2 * queue.low_water() - left : 0;
}

}  // namespace

bool serve_chunks(const Context& ctx, Dispenser& dispenser, ChunkQueue& queue, const CostMeter& meter,
                  ProgressTicker& ticker, const LoopControl& control) {
  const int others = ctx.size() - 1;
  int told_done = 0;
  bool local_done = false;
  Request request{};
  MPI_Request incoming = MPI_REQUEST_NULL;
  MPI_Irecv(&request, sizeof request, MPI_BYTE, MPI_ANY_SOURCE, request_tag, ctx.comm(), &incoming);
  std::vector<Grant> replies;  // stable storage for pending sends
  replies.reserve(static_cast<std::size_t>(others) * 4);
  std::vector<MPI_Request> sends;
  // After a request, the next one from another rank often follows soon.
  Backoff backoff(std::chrono::microseconds(100));

  while (told_done < others || !local_done) {
    bool progress = false;
    if (told_done < others) {
      int arrived = 0;
      MPI_Status status;
      MPI_Test(&incoming, &arrived, &status);
      if (arrived) {
        progress = true;
        dispenser.record(status.MPI_SOURCE, request.tasks_done, request.busy_seconds);
        if (request.failed) dispenser.exhaust();
        // A loop too small to gain from other ranks stays on this one.
        replies.push_back(dispenser.worth_spreading() ? dispenser.grant(request.chunks_wanted) : Grant{0, 0, 1});
        if (replies.back().count == 0) ++told_done;
        sends.emplace_back();
        MPI_Isend(&replies.back(), sizeof(Grant), MPI_BYTE, status.MPI_SOURCE, reply_tag, ctx.comm(), &sends.back());
        if (replies.size() == replies.capacity()) {  // keep pointers of pending sends valid
          MPI_Waitall(static_cast<int>(sends.size()), sends.data(), MPI_STATUSES_IGNORE);
          sends.clear();
          replies.clear();
        }
        if (told_done < others) {
          MPI_Irecv(&request, sizeof request, MPI_BYTE, MPI_ANY_SOURCE, request_tag, ctx.comm(), &incoming);
        }
      }
    }
    if (control.stop_requested()) queue.abandon();  // even while every worker is inside a long task
    if (!local_done) {
      if (queue.abandoned()) dispenser.exhaust();
      dispenser.record(0, meter.tasks.load(std::memory_order_relaxed), meter_seconds(meter));
      if (const std::uint64_t chunks = wanted(queue); chunks > 0) {
        const Grant grant = dispenser.grant(chunks);
        if (grant.count == 0) {
          queue.close();
          local_done = true;
        } else {
          queue.add(grant);
        }
        progress = true;
      }
    }
    ticker.maybe_report(dispenser.tasks_reported());
    if (progress) {
      backoff.reset();
    } else {
      backoff.pause();
    }
  }
  MPI_Waitall(static_cast<int>(sends.size()), sends.data(), MPI_STATUSES_IGNORE);
  return dispenser.worth_spreading();
}

void request_chunks(const Context& ctx, ChunkQueue& queue, const CostMeter& meter, const LoopControl& control) {
  Request request{};
  Grant reply{};
  MPI_Request sent = MPI_REQUEST_NULL;
  MPI_Request answer = MPI_REQUEST_NULL;
  bool outstanding = false;
  // A reply takes rank 0's polling period at most, plus the network.
  Backoff backoff(std::chrono::microseconds(20));

  for (;;) {
    if (control.stop_requested()) queue.abandon();
    if (!outstanding) {
      const bool failed = queue.abandoned();
      const std::uint64_t chunks = failed ? 1 : wanted(queue);
      if (chunks == 0) {
        queue.wait_until_low(std::chrono::milliseconds(10));
        continue;
      }
      request = {chunks, meter.tasks.load(std::memory_order_relaxed), meter_seconds(meter), failed ? 1u : 0u};
      MPI_Irecv(&reply, sizeof reply, MPI_BYTE, 0, reply_tag, ctx.comm(), &answer);
      MPI_Isend(&request, sizeof request, MPI_BYTE, 0, request_tag, ctx.comm(), &sent);
      outstanding = true;
      backoff.reset();
    }
    int arrived = 0;
    MPI_Test(&answer, &arrived, MPI_STATUS_IGNORE);
    if (!arrived) {
      backoff.pause();
      continue;
    }
    MPI_Wait(&sent, MPI_STATUS_IGNORE);
    outstanding = false;
    if (reply.count == 0) {
      queue.close();
      return;
    }
    queue.add(reply);
  }
}

}  // namespace partita::detail
