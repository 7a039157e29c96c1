// The few lines `partita run` prints on rank 0 when a job ends: estimates
// per sweep point, where the files are, wall time and ranks x threads.
#pragma once

#include <filesystem>
#include <span>

#include "spec/job_spec.hpp"
#include "output/result_files.hpp"
#include "output/run_report.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

struct RunSummary {
  std::filesystem::path results;
  std::filesystem::path summary;
  std::filesystem::path report;
};

void print_summary(const JobSpec& job, const TaskSpace& space, const TaskTable& results,
                   const RunReport& report, const RunSummary& files);

}  // namespace partita::launch
