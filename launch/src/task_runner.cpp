#include "task_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

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

WorkStats run_tasks(const Context& ctx, const JobSpec& job, const TaskSpace& space, const TaskRunOptions& options,
                    RankResults& results) {
  const std::size_t outputs = job.kernel->outputs.size();
  const auto seconds = [&options] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - options.epoch).count();
  };
  return for_each(
      ctx, space.tasks(),
      [&](std::uint64_t task) {
        const int worker = current_worker();
        const double start = options.trace ? seconds() : 0.0;
        Rng rng(job.seed, task);
        std::vector<double>& values = results.values[worker];
        values.resize(values.size() + outputs);
        std::span<double> out(values.data() + values.size() - outputs, outputs);
        try {
          job.kernel->evaluate(space.params(space.point_of(task)), rng, out);
        } catch (const std::exception& e) {
          values.resize(values.size() - outputs);
          throw TaskError(task, fmt::format("kernel '{}' failed at {} (repeat {}): {}", job.kernel->name,
                                            space.describe_point(space.point_of(task)), space.repeat_of(task),
                                            e.what()));
        }
        results.ids[worker].push_back(task);
        if (options.trace) results.slices[worker].push_back({task, start, seconds()});
      },
      options.loop);
}

std::vector<std::uint64_t> most_expensive_first(const JobSpec& job, const TaskSpace& space) {
  if (!job.kernel->cost_hint) return {};
  std::vector<double> cost(space.tasks());
  for (std::uint64_t task = 0; task < space.tasks(); ++task) {
    Rng rng(job.seed, task);
    cost[task] = job.kernel->cost_hint(space.params(space.point_of(task)), rng);
  }
  std::vector<std::uint64_t> order(space.tasks());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&cost](std::uint64_t a, std::uint64_t b) { return cost[a] > cost[b]; });
  return order;
}

}  // namespace partita::launch
