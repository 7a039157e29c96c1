#include "spec/memory_estimate.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace partita::launch {

// Where the bytes go, from commands/run_command.cpp, run/task_runner.cpp,
// journal/job_journal.cpp and engine/src/owned_gather.cpp, checked against
// the peak RSS (/usr/bin/time) of singleton runs of 2 and 4 million tasks
// (pi: 2 outputs; synthetic: 3 outputs and a cost hint) and of 2^20-point
// sweeps (integrate, synthetic: 5 parameters, 2 swept). Per task:
//
// - A run's peak is at the final gather, where rank 0 holds at once: the
//   todo list (8 B), its per-thread ids (8 B) and outputs (8 B each) and
//   their merged copy, both with vector slack (x1.5 on average), the gather's
//   received ids (8 B) and packed outputs, the gathered table (8 B per
//   output) and, with a cost hint, the start order (8 B): 40 + 40 x outputs,
//   + 8. Measured: 108 B (pi), 155 B (synthetic).
// - A resume's peak is while the journal is read: every record is held as a
//   JournalRecord (72 B, with slack, plus its outputs in their own heap
//   block) beside the per-task done flags, outputs and crash counts.
//   Measured: 176 B (pi), 192 B (synthetic): about 144 + 16 x outputs.
//
// A job must fit both: the batch scripts pass --resume to every run, and a
// job that runs once but cannot be resumed loses its promise. Per point,
// TaskSpace keeps a ParamSet (each parameter's name, a 32 B std::string,
// and value, a 40 B variant) and the swept values again, and the job's
// identity and point table hold each point's parameters as text: measured
// 690-700 B for 5 parameters, 2 swept. Not counted: the MPI and OpenMP
// runtimes themselves, which this process does not hold yet when it reads
// the job file; so the estimate errs low, and refuses only what cannot fit.
std::uint64_t rank0_bytes(std::uint64_t tasks, std::uint64_t points, std::size_t params, std::size_t swept,
                          std::size_t outputs, bool cost_hint) {
  const std::uint64_t run = 40 + 40 * outputs + (cost_hint ? 8 : 0);
  const std::uint64_t resume = 144 + 16 * outputs;
  const std::uint64_t per_task = std::max(run, resume);
  const std::uint64_t per_point = 144 + 96 * params + 48 * swept;
  return tasks * per_task + points * per_point;
}

namespace {

// A limit this large means "none" (cgroup v1 writes 2^63 rounded down to a page).
constexpr std::uint64_t unlimited = std::uint64_t{1} << 62;

// The number after `key` in a "key: value kB" file such as /proc/meminfo, in bytes.
std::optional<std::uint64_t> kb_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    std::istringstream fields(line.substr(key.size()));
    std::uint64_t kb = 0;
    if (fields >> kb) return kb * 1024;
  }
  return std::nullopt;
}

// A cgroup limit file: a number of bytes, or "max".
std::optional<std::uint64_t> limit_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    const std::uint64_t bytes = std::stoull(text);
    return bytes >= unlimited ? std::nullopt : std::optional(bytes);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The smallest memory limit on this process's cgroup and the groups above
// it: v2 ("0::/path", memory.max) or v1 (a "memory" controller line,
// memory.limit_in_bytes). A path not visible from here (another cgroup
// namespace) falls back to the mount's root, which is then this group.
std::optional<std::uint64_t> cgroup_limit() {
  std::ifstream in("/proc/self/cgroup");
  std::optional<std::uint64_t> lowest;
  const auto walk = [&lowest](const std::filesystem::path& mount, const std::string& group, const char* file) {
    const std::filesystem::path below = std::filesystem::path(group).relative_path();
    std::filesystem::path dir = below.empty() ? mount : mount / below;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) dir = mount;
    for (;; dir = dir.parent_path()) {
      if (const auto limit = limit_file(dir / file)) lowest = std::min(lowest.value_or(*limit), *limit);
      if (dir == mount || dir.parent_path() == dir) break;
    }
  };
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string group = line.substr(second + 1);
    if (line.rfind("0::", 0) == 0) {
      walk("/sys/fs/cgroup", group, "memory.max");
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      walk("/sys/fs/cgroup/memory", group, "memory.limit_in_bytes");
    }
  }
  return lowest;
}

// What this process holds or has mapped now, from /proc/self/status.
std::uint64_t status_bytes(const char* key) { return kb_field("/proc/self/status", key).value_or(0); }

}  // namespace

std::optional<MemoryLimit> process_memory_limit() {
  std::optional<MemoryLimit> lowest;
  const auto consider = [&lowest](std::optional<std::uint64_t> limit, std::uint64_t used, const char* source) {
    if (!limit || *limit >= unlimited) return;
    const std::uint64_t left = *limit > used ? *limit - used : 0;
    if (!lowest || left < lowest->bytes) lowest = MemoryLimit{left, source, used > 0 ? *limit : 0};
  };
  consider(kb_field("/proc/meminfo", "MemAvailable:"), 0, "MemAvailable");
  consider(cgroup_limit(), status_bytes("VmRSS:"), "cgroup memory limit");
  const auto soft_limit = [](int resource) -> std::optional<std::uint64_t> {
    struct rlimit r {};
    if (getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return std::nullopt;
    return static_cast<std::uint64_t>(r.rlim_cur);
  };
  consider(soft_limit(RLIMIT_AS), status_bytes("VmSize:"), "ulimit -v");
  consider(soft_limit(RLIMIT_DATA), status_bytes("VmData:"), "ulimit -d");
  return lowest;
}

std::string memory_text(std::uint64_t bytes) {
  const auto x = static_cast<double>(bytes);
  if (x >= 1e12) return fmt::format("{:.1f} TB", x / 1e12);
  if (x >= 1e9) return fmt::format("{:.1f} GB", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.0f} MB", x / 1e6);
  return fmt::format("{:.0f} kB", x / 1e3);
}

}  // namespace partita::launch
