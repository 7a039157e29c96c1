// What partita::for_each costs per task when the task costs nothing, next to
// a plain OpenMP loop over the same tasks in the same run; and, with tasks of
// a fixed length, how long workers wait for work (WorkStats idle time).
//
//   mpirun -np R dispatch_overhead [--mode overhead|idle] [options]   (--help)
//
// The host starts MPI (FUNNELED) and partita::Runtime adopts it, as a
// scientific code that embeds Partita would. Rank 0 prints one line of
// key=value pairs per contender (bench/dispatch_overhead.py parses them).
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "partita/for_each.hpp"
#include "partita/runtime.hpp"
#include "partita/schedule.hpp"
#include "partita/worker.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string mode = "overhead";
  std::string schedules;  // empty: the mode's default list
  int reps = 5;
  double target_seconds = 0.3;  // overhead: each timed run lasts about this long
  std::uint64_t min_tasks = 10000;
  std::uint64_t max_tasks = 10000000;
  bool omp_baseline = true;
  double task_us = 1000.0;         // idle: length of one task
  std::uint64_t tasks = 0;         // idle: tasks per run (0: about 0.5 s of work per worker)
  std::string task_kind = "spin";  // idle: spin (busy until the time has passed) or sleep
};

const char* usage =
    "usage: dispatch_overhead [--mode overhead|idle] [--schedules S1,S2,...] [--reps R]\n"
    "  overhead: [--target-seconds T] [--min-tasks N] [--max-tasks N] [--no-omp]\n"
    "  idle:     [--task-us US] [--tasks N] [--task-kind spin|sleep]\n";

bool parse_u64(const std::string& text, std::uint64_t& value) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || text[0] == '-') return false;
  value = v;
  return true;
}

bool parse_double(const std::string& text, double& value) {
  char* end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && errno == 0 && value > 0.0;
}

// Returns an error message, empty when the command line is good.
std::string parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-omp") {
      o.omp_baseline = false;
      continue;
    }
    if (flag == "--help" || flag == "-h") return usage;
    if (i + 1 >= argc) return flag + " needs a value\n" + usage;
    const std::string value = argv[++i];
    std::uint64_t u = 0;
    bool ok = true;
    if (flag == "--mode") {
      o.mode = value;
      ok = value == "overhead" || value == "idle";
    } else if (flag == "--schedules") {
      o.schedules = value;
    } else if (flag == "--reps") {
      ok = parse_u64(value, u) && u >= 1 && u <= 1000;
      o.reps = static_cast<int>(u);
    } else if (flag == "--target-seconds") {
      ok = parse_double(value, o.target_seconds);
    } else if (flag == "--min-tasks") {
      ok = parse_u64(value, o.min_tasks) && o.min_tasks >= 1;
    } else if (flag == "--max-tasks") {
      ok = parse_u64(value, o.max_tasks) && o.max_tasks >= 1;
    } else if (flag == "--task-us") {
      ok = parse_double(value, o.task_us);
    } else if (flag == "--tasks") {
      ok = parse_u64(value, o.tasks) && o.tasks >= 1;
    } else if (flag == "--task-kind") {
      o.task_kind = value;
      ok = value == "spin" || value == "sleep";
    } else {
      return "unknown argument '" + flag + "'\n" + usage;
    }
    if (!ok) return flag + " " + value + ": not allowed\n" + usage;
  }
  if (o.min_tasks > o.max_tasks) return "--min-tasks must be <= --max-tasks";
  return {};
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::size_t end = comma == std::string::npos ? text.size() : comma;
    if (end > start) items.push_back(text.substr(start, end - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

// One cache line per worker, so counting never shares a line between threads.
struct alignas(64) Counter {
  std::uint64_t count = 0;
  std::uint64_t id_sum = 0;
};

// The task: counts itself in its worker's counter. Never inlined, in the
// OpenMP loops as in partita's, so neither loop can fold the tasks into
// one sum: every task is a call, as a real task would be.
[[gnu::noinline]] void empty_task(Counter* counters, int worker, std::uint64_t id) {
  Counter& mine = counters[worker];
  ++mine.count;
  mine.id_sum += id;
}

// A contender: a partita schedule, or the raw OpenMP loop ("omp:static",
// "omp:dynamic") over this rank's block share of the ids.
struct Contender {
  std::string name;
  bool omp = false;
  bool omp_dynamic = false;
  partita::Schedule schedule;
};

struct RunResult {
  double seconds = 0.0;      // slowest rank, loop only
  std::uint64_t chunks = 0;  // over all ranks (partita only)
  bool exact = false;        // every id ran exactly once
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

class Bench {
 public:
  explicit Bench(const partita::Context& ctx) : ctx_(ctx), counters_(static_cast<std::size_t>(ctx.threads())) {
    int mine = ctx.threads();
    MPI_Allreduce(&mine, &workers_, 1, MPI_INT, MPI_SUM, ctx.comm());
  }

  int workers() const { return workers_; }

  // Empty tasks: each only counts itself in its worker's counter.
  RunResult run_empty(const Contender& c, std::uint64_t n) {
    for (auto& k : counters_) k = Counter{};
    MPI_Barrier(ctx_.comm());
    const auto start = Clock::now();
    std::uint64_t chunks = 0;
    if (c.omp) {
      const std::uint64_t first =
          ctx_.rank() * (n / ctx_.size()) + std::min<std::uint64_t>(ctx_.rank(), n % ctx_.size());
      const std::uint64_t count = n / ctx_.size() + (static_cast<std::uint64_t>(ctx_.rank()) < n % ctx_.size() ? 1 : 0);
      Counter* counters = counters_.data();
      if (c.omp_dynamic) {
#pragma omp parallel for schedule(dynamic) num_threads(ctx_.threads())
        for (std::uint64_t k = 0; k < count; ++k) empty_task(counters, omp_get_thread_num(), first + k);
      } else {
#pragma omp parallel for schedule(static) num_threads(ctx_.threads())
        for (std::uint64_t k = 0; k < count; ++k) empty_task(counters, omp_get_thread_num(), first + k);
      }
    } else {
      Counter* counters = counters_.data();
      const partita::WorkStats stats = partita::for_each(
          ctx_, n, [counters](std::uint64_t id) { empty_task(counters, partita::current_worker(), id); }, c.schedule);
      chunks = stats.chunks();
    }
    const double mine = std::chrono::duration<double>(Clock::now() - start).count();
    return finish(mine, chunks, n);
  }

  // Tasks of a fixed length; per-worker idle seconds and chunks of every
  // rank's workers, gathered to rank 0 (rank order, then worker order).
  struct IdleResult {
    double seconds = 0.0;
    std::vector<double> idle;
    std::vector<double> chunks;
    std::vector<double> tasks;
    std::vector<double> busy;
    bool exact = false;
  };

  IdleResult run_timed(const Contender& c, std::uint64_t n, double task_us, bool spin) {
    for (auto& k : counters_) k = Counter{};
    const auto length = std::chrono::nanoseconds(static_cast<std::int64_t>(task_us * 1e3));
    Counter* counters = counters_.data();
    MPI_Barrier(ctx_.comm());
    const auto start = Clock::now();
    const partita::WorkStats stats = partita::for_each(
        ctx_, n,
        [counters, length, spin](std::uint64_t id) {
          const auto until = Clock::now() + length;
          if (spin) {
            while (Clock::now() < until) {
            }
          } else {
            std::this_thread::sleep_until(until);
          }
          Counter& mine = counters[partita::current_worker()];
          ++mine.count;
          mine.id_sum += id;
        },
        c.schedule);
    const double mine = std::chrono::duration<double>(Clock::now() - start).count();
    const RunResult r = finish(mine, stats.chunks(), n);
    std::vector<double> local;
    for (const auto& t : stats.threads)
      local.insert(local.end(), {t.idle_seconds, double(t.chunks), double(t.tasks), t.busy_seconds});
    const std::vector<double> all = gather(local);
    IdleResult out{r.seconds, {}, {}, {}, {}, r.exact};
    for (std::size_t k = 0; k + 3 < all.size(); k += 4) {
      out.idle.push_back(all[k]);
      out.chunks.push_back(all[k + 1]);
      out.tasks.push_back(all[k + 2]);
      out.busy.push_back(all[k + 3]);
    }
    return out;
  }

 private:
  RunResult finish(double mine, std::uint64_t chunks, std::uint64_t n) {
    RunResult r;
    MPI_Allreduce(&mine, &r.seconds, 1, MPI_DOUBLE, MPI_MAX, ctx_.comm());
    std::uint64_t local[3] = {chunks, 0, 0};
    for (const auto& k : counters_) {
      local[1] += k.count;
      local[2] += k.id_sum;
    }
    std::uint64_t total[3] = {0, 0, 0};
    MPI_Allreduce(local, total, 3, MPI_UINT64_T, MPI_SUM, ctx_.comm());
    r.chunks = total[0];
    // Sum of ids 0..n-1, modulo 2^64 like the counters.
    const std::uint64_t want = n % 2 == 0 ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
    r.exact = total[1] == n && total[2] == want;
    return r;
  }

  std::vector<double> gather(const std::vector<double>& mine) {
    int length = static_cast<int>(mine.size());
    std::vector<int> lengths(ctx_.size()), offsets(ctx_.size());
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, ctx_.comm());
    int total = 0;
    for (int r = 0; r < ctx_.size(); ++r) {
      offsets[r] = total;
      total += lengths[r];
    }
    std::vector<double> all(ctx_.rank() == 0 ? static_cast<std::size_t>(total) : 0);
    MPI_Gatherv(mine.data(), length, MPI_DOUBLE, all.data(), lengths.data(), offsets.data(), MPI_DOUBLE, 0,
                ctx_.comm());
    return all;
  }

  const partita::Context& ctx_;
  int workers_ = 1;
  std::vector<Counter> counters_;
};

std::vector<Contender> contenders(const Options& o) {
  const std::string list = !o.schedules.empty()   ? o.schedules
                           : o.mode == "overhead" ? "static,dynamic,dynamic:64,guided,auto"
                                                  : "static,dynamic,auto";
  std::vector<Contender> out;
  if (o.mode == "overhead" && o.omp_baseline) {
    out.push_back({"omp:static", true, false, {}});
    out.push_back({"omp:dynamic", true, true, {}});
  }
  for (const auto& s : split_list(list)) {
    const partita::Schedule schedule = partita::Schedule::parse(s);
    out.push_back({"partita:" + schedule.name(), false, false, schedule});
  }
  return out;
}

// Empty tasks. n per contender is chosen so one run lasts about
// target_seconds (within [min_tasks, max_tasks]); every rank computes the
// same n from the same all-reduced times.
int overhead(const partita::Context& ctx, const Options& o) {
  Bench bench(ctx);
  const auto list = contenders(o);
  std::vector<std::uint64_t> tasks(list.size());
  for (std::size_t c = 0; c < list.size(); ++c) {
    std::uint64_t n = o.min_tasks;
    double t = bench.run_empty(list[c], n).seconds;  // also the warm-up
    while (t < 0.05 * o.target_seconds && n < o.max_tasks) {
      n = std::min(o.max_tasks, n * 8);
      t = bench.run_empty(list[c], n).seconds;
    }
    const double scaled = static_cast<double>(n) * o.target_seconds / std::max(t, 1e-9);
    tasks[c] = static_cast<std::uint64_t>(
        std::clamp(scaled, static_cast<double>(o.min_tasks), static_cast<double>(o.max_tasks)));
  }
  std::vector<std::vector<double>> seconds(list.size());
  std::vector<std::uint64_t> chunks(list.size());
  bool exact = true;
  for (int rep = 0; rep < o.reps; ++rep) {
    // Rotate who goes first, so drifting load hits every contender alike.
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::size_t c = (k + static_cast<std::size_t>(rep)) % list.size();
      const RunResult r = bench.run_empty(list[c], tasks[c]);
      seconds[c].push_back(r.seconds);
      chunks[c] = r.chunks;
      exact = exact && r.exact;
    }
  }
  if (ctx.rank() == 0) {
    for (std::size_t c = 0; c < list.size(); ++c) {
      const double med = median(seconds[c]);
      const double n = static_cast<double>(tasks[c]);
      std::printf(
          "dispatch name=%s ranks=%d threads=%d workers=%d tasks=%llu reps=%d median_s=%.6f min_s=%.6f "
          "max_s=%.6f us_per_task=%.5f ns_wall_per_task=%.2f chunks=%llu\n",
          list[c].name.c_str(), ctx.size(), ctx.threads(), bench.workers(), static_cast<unsigned long long>(tasks[c]),
          o.reps, med, *std::min_element(seconds[c].begin(), seconds[c].end()),
          *std::max_element(seconds[c].begin(), seconds[c].end()), med * bench.workers() / n * 1e6, med / n * 1e9,
          static_cast<unsigned long long>(chunks[c]));
    }
    if (!exact) std::fprintf(stderr, "dispatch_overhead: some run did not run every id exactly once\n");
  }
  return exact ? 0 : 1;
}

// Tasks of task_us each: how long does a worker wait for work? Per
// contender, medians over reps of: the slowest rank's loop, the largest
// per-worker idle total, and the largest per-worker idle per chunk taken.
int idle(const partita::Context& ctx, const Options& o) {
  Bench bench(ctx);
  const auto list = contenders(o);
  const std::uint64_t n =
      o.tasks > 0 ? o.tasks
                  : std::max<std::uint64_t>(1, static_cast<std::uint64_t>(0.5e6 / o.task_us) * bench.workers());
  const bool spin = o.task_kind == "spin";
  bool exact = true;
  for (const auto& c : list) bench.run_timed(c, std::min<std::uint64_t>(n, 4 * bench.workers()), o.task_us, spin);
  for (const auto& c : list) {
    std::vector<double> walls, max_idle, max_per_chunk, sum_idle, max_busy;
    std::string last_idle;
    for (int rep = 0; rep < o.reps; ++rep) {
      const auto r = bench.run_timed(c, n, o.task_us, spin);
      exact = exact && r.exact;
      if (ctx.rank() != 0) continue;
      double most = 0.0, most_per_chunk = 0.0, total = 0.0, busiest = 0.0;
      last_idle.clear();
      for (std::size_t w = 0; w < r.idle.size(); ++w) {
        most = std::max(most, r.idle[w]);
        total += r.idle[w];
        busiest = std::max(busiest, r.busy[w]);
        // Waits happen between chunks: the first chunk of every worker
        // comes with the start, so chunks - 1 of them could wait.
        if (r.chunks[w] > 1) most_per_chunk = std::max(most_per_chunk, r.idle[w] / (r.chunks[w] - 1));
        char text[64];
        std::snprintf(text, sizeof text, "%s%.2f", w == 0 ? "" : ",", r.idle[w] * 1e3);
        last_idle += text;
      }
      walls.push_back(r.seconds);
      max_idle.push_back(most);
      max_per_chunk.push_back(most_per_chunk);
      sum_idle.push_back(total);
      max_busy.push_back(busiest);
    }
    if (ctx.rank() == 0) {
      const double ideal = static_cast<double>(n) * o.task_us * 1e-6 / bench.workers();
      std::printf(
          "idle name=%s ranks=%d threads=%d workers=%d tasks=%llu task_us=%.1f kind=%s reps=%d "
          "wall_s=%.6f ideal_s=%.6f max_busy_s=%.6f max_idle_ms=%.4f max_idle_per_chunk_us=%.2f sum_idle_ms=%.4f "
          "last_idle_ms_per_worker=%s\n",
          c.name.c_str(), ctx.size(), ctx.threads(), bench.workers(), static_cast<unsigned long long>(n), o.task_us,
          o.task_kind.c_str(), o.reps, median(walls), ideal, median(max_busy), median(max_idle) * 1e3,
          median(max_per_chunk) * 1e6, median(sum_idle) * 1e3, last_idle.c_str());
    }
  }
  if (ctx.rank() == 0 && !exact)
    std::fprintf(stderr, "dispatch_overhead: some run did not run every id exactly once\n");
  return exact ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  Options opts;
  if (const std::string problem = parse(argc, argv, opts); !problem.empty()) {
    if (rank == 0) std::fprintf(stderr, "dispatch_overhead: %s\n", problem.c_str());
    MPI_Finalize();
    return 2;
  }
  int status = 0;
  try {
    // Adopts the host's MPI: the Runtime leaves finalising to main().
    const partita::Runtime runtime;
    status = opts.mode == "overhead" ? overhead(runtime.context(), opts) : idle(runtime.context(), opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dispatch_overhead: rank %d: %s\n", rank, e.what());
    status = 1;
  }
  MPI_Finalize();
  return status;
}
