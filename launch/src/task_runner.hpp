// Runs a job's tasks on this rank under a schedule, keeping each task's
// outputs (and, when tracing, its start and end) per worker thread so that
// workers never share a container.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "job_spec.hpp"
#include "partita/context.hpp"
#include "partita/for_each.hpp"
#include "task_space.hpp"

namespace partita::launch {

/// One task as it ran: seconds since the loop's common start.
struct TaskSlice {
  std::uint64_t task = 0;
  double start = 0.0;
  double end = 0.0;
};

struct RankResults {
  std::vector<std::vector<std::uint64_t>> ids;
  std::vector<std::vector<double>> values;
  std::vector<std::vector<TaskSlice>> slices;  ///< empty unless tracing

  explicit RankResults(int workers) : ids(workers), values(workers), slices(workers) {}

  /// All workers' ids and values, concatenated; they stay paired.
  std::pair<std::vector<std::uint64_t>, std::vector<double>> merged() const;
};

struct TaskRunOptions {
  ForEachOptions loop;   ///< schedule, start order, progress
  bool trace = false;    ///< record a TaskSlice per task
  std::chrono::steady_clock::time_point epoch;  ///< time zero of the slices
};

/// Runs the tasks this rank is given. Collective for dynamic schedules. A
/// kernel error becomes a TaskError naming the task and its parameters.
WorkStats run_tasks(const Context& ctx, const JobSpec& job, const TaskSpace& space, const TaskRunOptions& options,
                    RankResults& results);

/// Task ids by descending cost hint (ties by id), for a kernel that has one;
/// empty otherwise. Every rank computes the same order.
std::vector<std::uint64_t> most_expensive_first(const JobSpec& job, const TaskSpace& space);

}  // namespace partita::launch
