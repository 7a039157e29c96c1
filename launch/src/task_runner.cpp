#include "task_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "partita/detail/owned_gather.hpp"
#include "partita/error.hpp"
#include "partita/rng.hpp"
#include "partita/worker.hpp"

namespace partita::launch {

std::pair<std::vector<std::uint64_t>, std::vector<double>> RankResults::merged() const {
  std::pair<std::vector<std::uint64_t>, std::vector<double>> all;
  for (std::size_t w = 0; w < ids.size(); ++w) {
    all.first.insert(all.first.end(), ids[w].begin(), ids[w].end());
    all.second.insert(all.second.end(), values[w].begin(), values[w].end());
  }
  return all;
}

namespace {

// One attempt: "" when the kernel produced finite outputs, else why not.
std::string attempt(const JobSpec& job, const ParamSet& params, std::uint64_t task, std::span<double> out) {
  Rng rng(job.seed, task);
  try {
    job.kernel->evaluate(params, rng, out);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "the kernel threw something that is not a std::exception";
  }
  for (std::size_t o = 0; o < out.size(); ++o) {
    if (!std::isfinite(out[o])) {
      return fmt::format("output '{}' is not finite ({})", job.kernel->outputs[o].name, out[o]);
    }
  }
  return {};
}

}  // namespace

// Journals a finished task. A journal that cannot be written (a full disk)
// stops this rank: what is flushed is safe, and the task reruns on resume.
void journal_task(const TaskRunOptions& options, std::uint64_t task, std::uint32_t attempts,
                  std::span<const double> out, const std::string& problem) {
  if (options.journal == nullptr) return;
  try {
    if (problem.empty()) {
      options.journal->append_result(task, attempts, out);
    } else {
      options.journal->append_failure(task, attempts, problem);
    }
  } catch (const Error&) {
    if (options.journal_failed) options.journal_failed->store(true);
    if (options.stop) options.stop->store(true);
  }
}

// Mean seconds per task on this rank so far, for the deadline.
class Pace {
 public:
  void add(double seconds) {
    busy_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
    tasks_.fetch_add(1, std::memory_order_relaxed);
  }
  double mean_seconds() const {
    const auto tasks = tasks_.load(std::memory_order_relaxed);
    return tasks == 0 ? 0.0 : static_cast<double>(busy_ns_.load(std::memory_order_relaxed)) * 1e-9 / tasks;
  }

 private:
  std::atomic<std::uint64_t> busy_ns_{0};
  std::atomic<std::uint64_t> tasks_{0};
};

WorkStats run_tasks(const Context& ctx, const JobSpec& job, const TaskSpace& space,
                    std::span<const std::uint64_t> todo, const TaskRunOptions& options, RankResults& results) {
  const std::size_t outputs = job.kernel->outputs.size();
  const auto seconds = [&options] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - options.epoch).count();
  };
  std::atomic<std::uint64_t> failed{0};
  Pace pace;
  return for_each(
      ctx, todo.size(),
      [&](std::uint64_t position) {
        const std::uint64_t task = todo[position];
        const auto began = std::chrono::steady_clock::now();
        if (options.deadline && began + std::chrono::duration<double>(pace.mean_seconds()) > *options.deadline) {
          options.stop->store(true);  // this task would not finish in time: leave it for the next run
          return;
        }
        const int worker = current_worker();
        const double start = options.trace ? seconds() : 0.0;
        std::vector<double>& values = results.values[worker];
        values.resize(values.size() + outputs);
        std::span<double> out(values.data() + values.size() - outputs, outputs);
        const ParamSet& params = space.params(space.point_of(task));
        std::string problem;
        std::uint32_t attempts = 0;
        do {
          ++attempts;
          problem = attempt(job, params, task, out);
        } while (!problem.empty() && attempts <= static_cast<std::uint32_t>(options.retries));
        if (!problem.empty()) {
          std::fill(out.begin(), out.end(), std::nan(""));
          results.failures[worker].push_back({task, attempts, problem});
          if (options.max_failures > 0 && failed.fetch_add(1) + 1 > options.max_failures && options.stop) {
            options.stop->store(true);
          }
        }
        results.ids[worker].push_back(task);
        if (options.trace) results.slices[worker].push_back({task, start, seconds()});
        pace.add(std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
        journal_task(options, task, attempts, out, problem);
      },
      options.loop);
}

std::vector<std::uint64_t> most_expensive_first(const Context& ctx, const JobSpec& job, const TaskSpace& space,
                                                std::span<const std::uint64_t> todo) {
  if (!job.kernel->cost_hint) return {};
  // The hints are spread over every rank and thread (a hint may cost a
  // sizeable fraction of its task), then every rank holds them all.
  std::vector<double> cost(todo.size());
  const IdRange mine = split(all_ids(todo.size()), ctx.size(), ctx.rank(), Partition::block);
  for_each(Context(MPI_COMM_SELF, ctx.threads()), mine.count, [&](std::uint64_t k) {
    Rng rng(job.seed, todo[mine[k]]);
    cost[mine[k]] = job.kernel->cost_hint(space.params(space.point_of(todo[mine[k]])), rng);
  });
  detail::allgather_owned(ctx, cost.data(), cost.size(), sizeof(double), Partition::block);
  std::vector<std::uint64_t> order(todo.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&cost](std::uint64_t a, std::uint64_t b) { return cost[a] > cost[b]; });
  return order;
}

}  // namespace partita::launch
