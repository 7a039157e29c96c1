// How much memory rank 0 of a run needs for a job's task space, and how much
// this process may use: so that a job too large to hold is refused when its
// file is read, not by std::bad_alloc after the work is done.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace partita::launch {

/// Bytes rank 0 holds at its peak for a job of `tasks` tasks over `points`
/// sweep points, for a kernel with `params` parameters (`swept` of them in
/// [sweep]) and `outputs` outputs. An estimate, measured on this code; see
/// memory_estimate.cpp for where each term comes from.
std::uint64_t rank0_bytes(std::uint64_t tasks, std::uint64_t points, std::size_t params, std::size_t swept,
                          std::size_t outputs, bool cost_hint);

/// The most this process may still allocate, and what sets that bound.
struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string source;      ///< "MemAvailable", "cgroup memory limit", "ulimit -v", ...
  std::uint64_t bound = 0;  ///< the limit as set, of which `bytes` are left; 0: `bytes` is the whole of it
};

/// The smallest of: the machine's MemAvailable; the memory limit of this
/// process's cgroup (v2 memory.max or v1 memory.limit_in_bytes, of its own
/// group and every group above it) less what this process holds; and
/// RLIMIT_AS and RLIMIT_DATA less what this process has mapped. Unset when
/// none of them can be read or all are unlimited.
std::optional<MemoryLimit> process_memory_limit();

/// "10.0 GB", "640 MB", "12 kB": decimal units (1 GB = 10^9 bytes), so that
/// `ulimit -v 1800000` (kB) reads as 1.8 GB.
std::string memory_text(std::uint64_t bytes);

}  // namespace partita::launch
