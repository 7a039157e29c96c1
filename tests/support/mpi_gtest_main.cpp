// main() for MPI tests, in the manner of LLNL's gtest-mpi-listener and
// Teuchos' globally reduced result: MPI is initialised here, as a host code
// would, so the engine's Runtime must adopt it. Rank 0 prints; a failure on
// any other rank is gathered to rank 0 and printed with its rank after each
// test; every rank exits with the same verdict.
#include <gtest/gtest.h>
#include <mpi.h>

#include <string>
#include <vector>

namespace {

class RankFailureReporter : public ::testing::EmptyTestEventListener {
 public:
  explicit RankFailureReporter(int rank) : rank_(rank) {}

  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    failures_ += "[rank " + std::to_string(rank_) + "] " + (result.file_name() ? result.file_name() : "?") + ":" +
                 std::to_string(result.line_number()) + ": " + result.summary() + "\n";
  }

  // Collective: every rank runs the same tests in the same order.
  void OnTestEnd(const ::testing::TestInfo& info) override {
    int size = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int length = static_cast<int>(failures_.size());
    std::vector<int> lengths(size), offsets(size);
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    int total = 0;
    for (int r = 0; r < size; ++r) {
      offsets[r] = total;
      total += lengths[r];
    }
    std::string all(static_cast<std::size_t>(rank_ == 0 ? total : 0), '\0');
    MPI_Gatherv(failures_.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0,
                MPI_COMM_WORLD);
    if (rank_ == 0 && total > static_cast<int>(lengths[0])) {
      std::printf("[  RANKS   ] %s.%s failed on other ranks:\n%s", info.test_suite_name(), info.name(),
                  all.substr(static_cast<std::size_t>(lengths[0])).c_str());
      std::fflush(stdout);
    }
    failures_.clear();
  }

 private:
  int rank_;
  std::string failures_;
};

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  ::testing::InitGoogleTest(&argc, argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (rank != 0) delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new RankFailureReporter(rank));

  const int local = RUN_ALL_TESTS();
  int global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0 && global != local) std::printf("[  FAILED  ] some tests failed on other ranks (see [  RANKS   ])\n");
  MPI_Finalize();
  return global;
}
