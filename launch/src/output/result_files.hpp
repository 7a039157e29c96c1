// The files of results a run leaves in its output directory: results (one
// row per task, in id order) and summary (statistics per sweep point). They
// hold nothing that varies between runs, so identical jobs give identical
// bytes. (report.json, how the run went, is run_report.hpp.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "output/task_table.hpp"
#include "spec/job_spec.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

/// Mean, sample standard deviation and standard error of the mean.
struct Moments {
  std::uint64_t n = 0;       ///< repeats that succeeded
  double mean = 0.0;
  double std_dev = 0.0;    ///< NaN when n < 2
  double std_error = 0.0;  ///< NaN when n < 2
};

/// Statistics of numeric output `output` over the repeats of `point` that
/// succeeded (the others are left out), folded in repeat order.
Moments point_moments(const TaskSpace& space, const TaskTable& results, std::size_t outputs, std::uint64_t point,
                      std::size_t output);
/// The repeats of `point` that succeeded.
std::uint64_t point_successes(const TaskSpace& space, const TaskTable& results, std::uint64_t point);

/// results.csv or results.jsonl, as the job's output format says.
std::filesystem::path write_results(const std::filesystem::path& dir, const JobSpec& job, const TaskSpace& space,
                                    const TaskTable& results);
/// summary.csv: per point, the successes and each numeric output's mean,
/// standard deviation and standard error (text outputs have none).
std::filesystem::path write_summary(const std::filesystem::path& dir, const JobSpec& job, const TaskSpace& space,
                                    const TaskTable& results);
/// A CSV field, quoted only when it must be (RFC 4180).
std::string csv_field(const std::string& text);

/// A JSON string literal, escaped.
std::string json_string(const std::string& text);

/// FNV-1a of the text, as 16 hex digits: a stable fingerprint of a job.
std::string fingerprint(const std::string& text);

}  // namespace partita::launch
