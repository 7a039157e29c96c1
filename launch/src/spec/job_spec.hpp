// A job as its TOML file states it, parsed and checked against the kernel's
// declared parameters. Every rule a value breaks is reported with the file,
// line and key (SpecError), before anything runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "registry/kernel_registry.hpp"
#include "spec/memory_estimate.hpp"
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
  unsigned line = 0;  ///< where the list is, for messages about the job's size
};

struct CommandSpec;

struct JobSpec {
  std::string file;                ///< the path it was read from, for messages
  std::string name;                ///< `name`, else the file's stem
  /// What a task evaluates: a built-in kernel, or for a command job the
  /// stand-in that own_kernel holds (its parameters and outputs).
  const KernelInfo* kernel = nullptr;
  std::shared_ptr<const KernelInfo> own_kernel;
  /// A command job's program and how to run it; null for a kernel job.
  std::shared_ptr<const CommandSpec> command;
  std::uint64_t seed = 0;
  std::uint64_t repeat = 1;        ///< runs of each sweep point, each with its own stream
  unsigned repeat_line = 0;        ///< where `repeat` is set; 0: not set
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

/// What parsing checks beyond the file itself.
struct SpecChecks {
  /// Refuse a job whose task space rank 0 could not hold (check_job_memory).
  /// Off where the job is only read here and runs elsewhere (a batch script
  /// written on a login node), or where the caller checks on rank 0 alone.
  bool memory = true;
  /// What to compare with; unset: process_memory_limit(), this process's.
  std::optional<MemoryLimit> memory_limit;
};

/// Reads and validates a job file. Throws SpecError naming file, line and
/// key for any problem: unreadable or malformed file, unknown key (with the
/// closest valid one), wrong type, value out of range, empty sweep, unknown
/// kernel, a sweep point the kernel rejects, a command whose program is not
/// found or has an unknown placeholder, or (checks.memory) a job too
/// large for the memory this process may use.
JobSpec parse_job_spec(const std::string& path, const KernelRegistry& registry, const SpecChecks& checks = {});

/// The same for a job file's contents, already read: `file_name` is where
/// they came from, for messages, the default name and the folder that
/// relative paths in the spec are relative to. Text that is not UTF-8, over
/// 4 MiB, nested or dotted too deeply for a job spec, or too slow for the
/// TOML parser (many values on long lines) is rejected before it is parsed,
/// so no input can exhaust the stack, memory or time.
JobSpec parse_job_spec_text(const std::string& text, const std::string& file_name, const KernelRegistry& registry,
                            const SpecChecks& checks = {});

/// Throws SpecError when the memory rank 0 needs for the job's tasks and
/// points (rank0_bytes) exceeds `limit`, naming the estimate, the limit and
/// its source, and the line and key that make the count (`repeat` or the
/// longest sweep list). Pure: the same job and limit, the same verdict.
void check_job_memory(const JobSpec& job, const MemoryLimit& limit);

}  // namespace partita::launch
