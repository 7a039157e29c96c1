#include "placement/placement_warnings.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace partita::launch {

namespace {

// Per rank: threads run, threads wanted, CPUs in the mask, node rank 0's
// world rank (a node's id), CPUs online on the node.
constexpr int fields = 5;

bool threads_bound() {
  const char* bind = std::getenv("OMP_PROC_BIND");
  return bind != nullptr && std::string(bind) != "false";
}

}  // namespace

void warn_about_placement(const Context& ctx) {
  const ThreadChoice& choice = ctx.thread_choice();
  // The world rank of this node's first rank names the node.
  int node_leader = ctx.rank() - ctx.node_rank();
  MPI_Comm node;
  MPI_Comm_split_type(ctx.comm(), MPI_COMM_TYPE_SHARED, ctx.rank(), MPI_INFO_NULL, &node);
  MPI_Bcast(&node_leader, 1, MPI_INT, 0, node);
  MPI_Comm_free(&node);
  const int mine[fields] = {choice.threads, choice.wanted, choice.cpus, node_leader,
                            static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN))};
  std::vector<int> all(ctx.rank() == 0 ? fields * ctx.size() : 0);
  MPI_Gather(mine, fields, MPI_INT, all.data(), fields, MPI_INT, 0, ctx.comm());
  if (ctx.rank() != 0) return;

  std::vector<int> clamped;
  for (int r = 0; r < ctx.size(); ++r) {
    if (all[fields * r + 1] > all[fields * r]) clamped.push_back(r);
  }
  if (!clamped.empty()) {
    const int* r = &all[fields * clamped.front()];
    fmt::print(stderr,
               "partita: warning: {} of {} ranks asked for {} threads ({}) but may run on only {} CPU(s), so they "
               "run {} (rank {} first). Give each rank its cores: mpirun --map-by slot:PE={} ... (or --bind-to "
               "none).\n",
               clamped.size(), ctx.size(), r[1], choice.source, r[2], r[0], clamped.front(), r[1]);
  }

  // Threads per node against the node's cores.
  for (int r = 0; r < ctx.size(); ++r) {
    if (all[fields * r + 3] != r) continue;  // r leads a node
    int threads = 0, ranks = 0;
    for (int q = 0; q < ctx.size(); ++q) {
      if (all[fields * q + 3] != r) continue;
      threads += all[fields * q];
      ++ranks;
    }
    const int cores = all[fields * r + 4];
    if (threads > cores) {
      fmt::print(stderr,
                 "partita: warning: the node of rank {} runs {} ranks x threads = {} threads on {} CPUs: they will "
                 "share cores. Use fewer ranks per node or fewer threads (--threads, OMP_NUM_THREADS).\n",
                 r, ranks, threads, cores);
    }
  }

  int most_threads = 0;
  for (int r = 0; r < ctx.size(); ++r) most_threads = std::max(most_threads, all[fields * r]);
  if (most_threads > 1 && !threads_bound()) {
    fmt::print(stderr,
               "partita: warning: {} threads per rank and OMP_PROC_BIND is not set: threads may wander between "
               "cores. Set OMP_PROC_BIND=close OMP_PLACES=cores.\n",
               most_threads);
  }
}

}  // namespace partita::launch
