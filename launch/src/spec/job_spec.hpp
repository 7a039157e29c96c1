// A job as its TOML file states it, parsed and checked against the kernel's
// declared parameters. Every rule a value breaks is reported with the file,
// line and key (SpecError), before anything runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/kernel_registry.hpp"
#include "spec/param.hpp"
#include "partita/schedule.hpp"

namespace partita::launch {

enum class SweepMode { grid, zip };
enum class OutputFormat { csv, jsonl };
/// Where a task's kernel runs: on the rank's own threads, or in a worker
/// process of the rank, so a crash fails only that attempt.
enum class Isolation { thread, process };

/// One swept parameter and its values, as listed in [sweep].
struct SweepAxis {
  std::string name;
  std::vector<ParamValue> values;
};

struct JobSpec {
  std::string file;                ///< the path it was read from, for messages
  std::string name;                ///< `name`, else the file's stem
  const KernelInfo* kernel = nullptr;
  std::uint64_t seed = 0;
  std::uint64_t repeat = 1;        ///< runs of each sweep point, each with its own stream
  ParamSet fixed;                  ///< every parameter not swept: [params] or its default
  SweepMode mode = SweepMode::grid;
  std::vector<SweepAxis> sweep;    ///< in the order they appear in the file
  Schedule schedule{Schedule::Kind::automatic, 0};  ///< `schedule`; --schedule overrides
  int threads_per_task = 1;        ///< `threads_per_task`: T >= 1, or 0 for "auto"
  int retries = 0;                 ///< `retries`: extra attempts of a failed task
  double max_failures = 0.0;       ///< `max_failures`: a count >= 1, a fraction of the tasks < 1, or 0: no limit
  Isolation isolation = Isolation::thread;  ///< `isolation`
  double timeout_seconds = 0.0;    ///< `timeout` of one isolated attempt; 0: none
  int quarantine_after = 2;        ///< `quarantine_after`: worker crashes that quarantine a task
  std::string output_dir;          ///< [output] dir, else "<name>.out"; relative to the spec's folder
  OutputFormat format = OutputFormat::csv;
};

/// Reads and validates a job file. Throws SpecError naming file, line and
/// key for any problem: unreadable or malformed file, unknown key (with the
/// closest valid one), wrong type, value out of range, empty sweep, unknown
/// kernel, or a sweep point the kernel rejects.
JobSpec parse_job_spec(const std::string& path, const KernelRegistry& registry);

/// The same for a job file's contents, already read: `file_name` is where
/// they came from, for messages, the default name and the folder that
/// relative paths in the spec are relative to. Text that is not UTF-8, over
/// 4 MiB, nested or dotted too deeply for a job spec, or too slow for the
/// TOML parser (many values on long lines) is rejected before it is parsed,
/// so no input can exhaust the stack, memory or time.
JobSpec parse_job_spec_text(const std::string& text, const std::string& file_name, const KernelRegistry& registry);

}  // namespace partita::launch
