// Faults on purpose, for the launcher's own tests (the fault matrix in
// tests/cli/fault_matrix_test.cpp): PARTITA_TEST_FAULT="POINT@RANK[,...]"
// makes rank RANK fail at POINT. Nothing else reads it; unset, a fault
// point costs one getenv per run.
//
//   prepare      rank fails while preparing (bad input, exit 2)
//   journal      its journal header cannot be written (a full disk, 74)
//   loop         a task of its loop throws std::bad_alloc outside the
//                kernel (memory exhausted: 1)
//   stuck        a task of its loop never ends (with a fault elsewhere: the
//                failed rank cannot be heard, and aborts the job)
//   collect      it throws outside any agreement point (the abort path, 1)
//   report       rank 0 cannot write results.csv (a full disk, 74)
#pragma once

#include <string_view>


namespace partita::launch {

/// Throws (or hangs) if PARTITA_TEST_FAULT names `point` for `rank`.
void fault_point(int rank, std::string_view point);

}  // namespace partita::launch
