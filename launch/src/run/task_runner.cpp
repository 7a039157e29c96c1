#include "run/task_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "partita/detail/owned_gather.hpp"
#include "partita/error.hpp"
#include "partita/rng.hpp"
#include "partita/worker.hpp"
#include "run/fault_injection.hpp"
#include "run/task_attempt.hpp"
#include "isolation/worker_process.hpp"
#include "command/command_process.hpp"

namespace partita::launch {

RankResults::Merged RankResults::merged() const {
  Merged all;
  for (std::size_t w = 0; w < ids.size(); ++w) {
    all.ids.insert(all.ids.end(), ids[w].begin(), ids[w].end());
    all.ok.insert(all.ok.end(), ok[w].begin(), ok[w].end());
    all.values.insert(all.values.end(), values[w].begin(), values[w].end());
    all.texts.insert(all.texts.end(), texts[w].begin(), texts[w].end());
  }
  return all;
}

std::string RankResults::stop_problem() const {
  for (const auto& problem : stop_problems) {
    if (!problem.empty()) return problem;
  }
  return {};
}

namespace {

// Appends to the journal with `append`. A journal that cannot be written (a
// full disk) stops this rank: what is flushed is safe, and the task reruns
// on resume.
template <class Append>
void journal(const TaskRunOptions& options, Append&& append) {
  if (options.journal == nullptr) return;
  try {
    append(*options.journal);
  } catch (const Error&) {
    options.stop->raise(StopReason::journal);  // JournalWriter::last_error() says why
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

}  // namespace

WorkStats run_tasks(const Context& ctx, const JobSpec& job, const TaskSpace& space,
                    std::span<const std::uint64_t> todo, const TaskRunOptions& options, RankResults& results) {
  const std::size_t outputs = job.kernel->outputs.size();
  const bool with_texts = has_text_outputs(job.kernel->outputs);
  const auto seconds = [&options] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - options.epoch).count();
  };
  std::atomic<std::uint64_t> failed{0};
  Pace pace;
  // One worker process per rank thread, each touched only by its thread.
  std::vector<WorkerProcess> isolated;
  if (options.isolation != nullptr && !job.command) {
    const int workers = workers_per_rank(ctx, options.loop.threads_per_task);
    isolated.reserve(workers);
    for (int w = 0; w < workers; ++w) {
      isolated.emplace_back(*options.isolation, options.loop.threads_per_task, options.timeout_seconds);
    }
  }
  // Command jobs: a command server per rank thread, made on its first task
  // (one server for all would start one thread's command at a time).
  std::vector<std::unique_ptr<ForkServer>> command_servers(
      options.isolation != nullptr && job.command ? workers_per_rank(ctx, options.loop.threads_per_task) : 0);
  const auto command_server = [&](int worker) -> ForkServer& {
    auto& mine = command_servers[worker];
    if (!mine) {
      try {
        mine = options.isolation->command_server();
      } catch (const ForkServerLost&) {
        throw;
      } catch (const Error&) {
        return *options.isolation;  // out of processes: the shared server still starts them, one at a time
      }
    }
    return *mine;
  };
  const auto run_one = [&](std::uint64_t position) {
        const std::uint64_t task = todo[position];
        fault_point(ctx.rank(), "stuck");
        fault_point(ctx.rank(), "loop");
        const auto began = std::chrono::steady_clock::now();
        if (options.deadline && began + std::chrono::duration<double>(pace.mean_seconds()) > *options.deadline) {
          options.stop->raise(StopReason::deadline);  // it would not finish in time: leave it for the next run
          return;
        }
        const int worker = current_worker();
        const double start = options.trace ? seconds() : 0.0;
        std::vector<double>& values = results.values[worker];
        values.resize(values.size() + outputs);
        std::span<double> out(values.data() + values.size() - outputs, outputs);
        const ParamSet& params = space.params(space.point_of(task));
        std::vector<std::string> texts;  // a command's text outputs
        std::string problem;
        std::uint32_t attempts = 0;
        std::uint32_t crashes = options.earlier_crashes.empty() ? 0 : options.earlier_crashes[task];
        bool quarantined = false;
        do {
          ++attempts;
          if (options.isolation == nullptr) {
            problem = attempt_task(job, params, task, out);
            continue;
          }
          IsolatedAttempt outcome;
          try {
            if (job.command) {
              const CommandRequest request{task,
                                           space.point_of(task),
                                           space.spec_position(space.point_of(task)),
                                           space.tasks(),
                                           attempts,
                                           options.loop.threads_per_task};
              outcome = run_command_task(command_server(worker), job, request, params,
                                         CommandLimits{options.timeout_seconds, options.task_log}, out, texts);
              if (options.task_log != nullptr && options.task_log->failed()) options.stop->raise(StopReason::journal);
            } else {
              outcome = isolated[worker].run(task, space.spec_position(space.point_of(task)), out);
            }
          } catch (const ForkServerLost& e) {
            // No worker can start on this rank again, through no fault of
            // this task: stop the rank and leave the task unjournaled (it
            // reruns on resume).
            values.resize(values.size() - outputs);
            results.stop_problems[worker] = e.what();
            options.stop->raise(StopReason::isolation);
            return;
          }
          if (outcome.abandoned) {
            values.resize(values.size() - outputs);  // the rank is ending: the task reruns on resume
            return;
          }
          problem = outcome.problem;
          if (outcome.crashed) {
            // Crashes count toward quarantine across runs.
            journal(options, [&](JournalWriter& j) { j.append_crash(task, attempts, problem); });
            quarantined = ++crashes >= static_cast<std::uint32_t>(options.quarantine_after);
          }
        } while (!problem.empty() && !quarantined && attempts <= static_cast<std::uint32_t>(options.retries));
        if (!problem.empty()) {
          std::fill(out.begin(), out.end(), std::nan(""));
          texts.clear();
          results.failures[worker].push_back({task, attempts, problem, crashes, quarantined});
          if (options.max_failures > 0 && failed.fetch_add(1) + 1 > options.max_failures) {
            options.stop->raise(StopReason::max_failures);
          }
        }
        results.ids[worker].push_back(task);
        results.ok[worker].push_back(problem.empty() ? 1 : 0);
        const std::string packed = with_texts ? pack_texts(texts) : std::string();
        if (with_texts) results.texts[worker].push_back(packed);
        if (options.trace) results.slices[worker].push_back({task, start, seconds()});
        pace.add(std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
        journal(options, [&](JournalWriter& j) {
          if (problem.empty()) {
            j.append_result(task, attempts, out, packed);
          } else {
            j.append_failure(task, attempts, problem);
          }
        });
  };
  return for_each(
      ctx, todo.size(),
      [&](std::uint64_t position) {
        try {
          run_one(position);
        } catch (...) {
          // The other ranks hear of it only when they reach the loop's end,
          // which a rank inside a task that never ends does not.
          if (options.watchdog != nullptr) options.watchdog->arm(failure_of(std::current_exception()));
          throw;
        }
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
