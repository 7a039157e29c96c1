// Where this rank stands: its rank and size in a communicator, its place on
// the node, and how many OpenMP threads it runs. Every parallel algorithm in
// the engine takes a Context.
#pragma once

#include <mpi.h>

#include "partita/threads.hpp"

namespace partita {

class Context {
 public:
  /// Collective on `comm`. Does not duplicate or free `comm`, which must
  /// outlive the Context (Runtime owns a duplicate and builds one for you).
  /// `requested_threads` > 0 overrides OMP_NUM_THREADS; see choose_threads.
  explicit Context(MPI_Comm comm, int requested_threads = 0);

  MPI_Comm comm() const noexcept { return comm_; }
  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  /// Rank and size among the ranks that share this node's memory.
  int node_rank() const noexcept { return node_rank_; }
  int node_size() const noexcept { return node_size_; }
  /// OpenMP threads this rank runs, never more than its CPUs.
  int threads() const noexcept { return threads_.threads; }
  const ThreadChoice& thread_choice() const noexcept { return threads_; }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  int node_rank_ = 0;
  int node_size_ = 1;
  ThreadChoice threads_;
};

}  // namespace partita
