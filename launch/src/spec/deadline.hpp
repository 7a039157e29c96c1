// Times typed by users: --deadline (when a run must stop starting tasks)
// and a spec's `timeout` (how long one isolated attempt may run).
#pragma once

#include <optional>
#include <string>

namespace partita::launch {

/// Seconds: "3600", "2.5", or a duration "1h30m" / "90m" / "45s" / "0.5s".
/// nullopt when the text is neither.
std::optional<double> parse_duration(const std::string& text);

/// Seconds from now: "3600" (seconds), "1h30m" / "90m" / "45s" (a
/// duration), or "HH:MM" / "HH:MM:SS" (a clock time today, local time; past
/// times are an error). nullopt when the text is none of these.
std::optional<double> parse_deadline(const std::string& text);

/// Under a scheduler that says when the job ends: seconds from now until
/// `allocation_margin` before that end, so that --deadline is automatic.
/// The end comes from SLURM_JOB_END_TIME, or PARTITA_JOB_END_TIME that
/// `partita batch` scripts set (both seconds since the epoch), or, in a
/// Slurm job (SLURM_JOB_ID) that exports neither (Slurm before 23.02), from
/// `squeue -j ID -o %e`. nullopt elsewhere. Not collective: one rank asks.
std::optional<double> allocation_deadline();

/// Seconds kept free before the allocation's end: for the last results,
/// the journal and the output files.
inline constexpr double allocation_margin = 30.0;

}  // namespace partita::launch
