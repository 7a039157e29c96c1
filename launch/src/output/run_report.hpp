// report.json: how a run went. Per rank and per worker thread: tasks,
// chunks, busy and idle seconds; over all workers: imbalance and parallel
// efficiency; the schedule and the chunk sizes it used. Unlike results and
// summary, it holds timings, so it differs from run to run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "spec/job_spec.hpp"
#include "partita/context.hpp"
#include "partita/work_stats.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

struct RankReport {
  int rank = 0;
  int node_rank = 0;
  int threads = 1;  ///< the rank's OpenMP threads (workers x threads per task, at most)
  WorkStats work;   ///< one entry per worker thread
  double peak_rss_mib = 0.0;  ///< the rank process's peak resident memory when its loop ended (getrusage)
};

struct RunReport {
  std::string job_hash;
  std::string schedule;
  bool longest_first = false;  ///< tasks started in descending cost-hint order
  int threads_per_task = 1;
  bool spread = true;          ///< false: auto found the loop too small and kept it on rank 0
  std::uint64_t ran = 0;       ///< tasks that ran (succeeded or failed)
  std::uint64_t failed = 0;    ///< tasks that failed every attempt
  double wall_seconds = 0.0;
  std::vector<RankReport> ranks;

  int max_threads() const;  ///< the most threads any rank has
  std::uint64_t workers() const;
  /// Busiest worker's busy time over the mean worker's (1 is perfect).
  double imbalance() const;
  /// Sum of busy time over wall time x workers (1 is perfect).
  double efficiency() const;
};

/// Collective: every rank's WorkStats, on rank 0 (empty elsewhere).
std::vector<RankReport> gather_rank_reports(const Context& ctx, const WorkStats& stats);

std::filesystem::path write_report(const std::filesystem::path& dir, const JobSpec& job, const TaskSpace& space,
                                   const RunReport& report);

}  // namespace partita::launch
