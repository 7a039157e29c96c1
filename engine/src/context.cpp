#include "partita/context.hpp"

namespace partita {

Context::Context(MPI_Comm comm, int requested_threads)
    : comm_(comm) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &node_rank_);
  MPI_Comm_size(node, &node_size_);
  MPI_Comm_free(&node);
  threads_ = choose_threads(requested_threads, node_size_);
}

}  // namespace partita
