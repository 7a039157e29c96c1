// Where every rank's threads may run: one row per rank and thread (host,
// rank, node-local rank, thread, CPUs from the thread's affinity mask, NUMA
// nodes of those CPUs), with warnings about placements that waste or share
// cores. What `partita info` and `partita run --report-bindings` print; the
// threads are those of an OpenMP team of ctx.threads(), as run_tasks starts.
#pragma once

#include <string>
#include <vector>

#include "partita/context.hpp"

namespace partita::launch {

struct ThreadBinding {
  std::string host;
  int rank = 0;
  int node_rank = 0;
  int thread = 0;
  std::vector<int> cpus;   ///< the thread's affinity mask
  std::vector<int> numa;   ///< NUMA nodes of those CPUs
  std::vector<long> cores; ///< physical cores of those CPUs (package x 2^20 + core id)
  int wanted_threads = 1;  ///< what the rank asked for before its mask clamped it
};

/// Collective. Every rank's and thread's binding on rank 0, by rank then
/// thread; empty elsewhere.
std::vector<ThreadBinding> gather_bindings(const Context& ctx);

/// Placement problems, one sentence each with the fix: a rank that asked
/// for more threads than its mask allows, a host running more threads than
/// it has CPUs, threads bound to the same core, a rank bound to a single
/// core, threads free to wander over all of a rank's CPUs.
std::vector<std::string> binding_warnings(const std::vector<ThreadBinding>& bindings, int cpus_per_host);

/// "0-3,8" for {0, 1, 2, 3, 8}.
std::string cpu_list(const std::vector<int>& cpus);

/// The table (a header line, then one line per thread), and the JSON form
/// {"bindings": [...], "warnings": [...]}.
std::string bindings_table(const std::vector<ThreadBinding>& bindings);
std::string bindings_json(const std::vector<ThreadBinding>& bindings, const std::vector<std::string>& warnings);

}  // namespace partita::launch
