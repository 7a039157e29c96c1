// Helpers for tests that run on several ranks. Never ASSERT on one rank
// before a collective: that rank leaves the test and the others hang
// (googletest#822). Reduce the condition first:
//   ASSERT_TRUE(on_all_ranks(ok)) << "failed on ranks " << ranks_failing(ok);
#pragma once

#include <mpi.h>

#include <string>

namespace partita::testing {

/// True on every rank when `ok` holds on every rank. Collective.
inline bool on_all_ranks(bool ok, MPI_Comm comm = MPI_COMM_WORLD) {
  int local = ok ? 1 : 0;
  int all = 0;
  MPI_Allreduce(&local, &all, 1, MPI_INT, MPI_LAND, comm);
  return all != 0;
}

/// "1, 3": the ranks where `ok` is false, on every rank. Collective.
inline std::string ranks_failing(bool ok, MPI_Comm comm = MPI_COMM_WORLD) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  std::string flags(static_cast<std::size_t>(size), '\0');
  const char mine = ok ? 0 : 1;
  MPI_Allgather(&mine, 1, MPI_CHAR, flags.data(), 1, MPI_CHAR, comm);
  std::string list;
  for (int r = 0; r < size; ++r) {
    if (flags[r] != 0) list += (list.empty() ? "" : ", ") + std::to_string(r);
  }
  return list;
}

}  // namespace partita::testing
