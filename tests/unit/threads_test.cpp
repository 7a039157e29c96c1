#include "partita/threads.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace {

// Saves the variables choose_threads reads, clears the scheduler ones (a
// test run inside a Slurm or PBS job must not see its allocation), and
// restores them all afterwards.
class OmpEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : names_) {
      const char* v = std::getenv(name);
      saved_.emplace_back(v != nullptr, v != nullptr ? v : "");
    }
    for (const char* name : {"SLURM_CPUS_PER_TASK", "PBS_JOBID", "NCPUS"}) unsetenv(name);
  }
  void TearDown() override {
    for (std::size_t i = 0; i < std::size(names_); ++i) {
      if (saved_[i].first) {
        setenv(names_[i], saved_[i].second.c_str(), 1);
      } else {
        unsetenv(names_[i]);
      }
    }
  }

 private:
  static constexpr const char* names_[] = {"OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK", "PBS_JOBID", "NCPUS"};
  std::vector<std::pair<bool, std::string>> saved_;
};

TEST_F(OmpEnv, RequestWinsButNeverExceedsTheMask) {
  setenv("OMP_NUM_THREADS", "1", 1);
  const int cpus = partita::cpus_in_affinity_mask();
  const auto choice = partita::choose_threads(cpus + 5);
  EXPECT_EQ(choice.source, "request");
  EXPECT_EQ(choice.threads, cpus);
  EXPECT_EQ(choice.wanted, cpus + 5);
  EXPECT_TRUE(choice.clamped());
}

TEST_F(OmpEnv, OmpNumThreadsFirstEntryIsUsed) {
  setenv("OMP_NUM_THREADS", "1,4", 1);
  const auto choice = partita::choose_threads(0);
  EXPECT_EQ(choice.source, "OMP_NUM_THREADS");
  EXPECT_EQ(choice.threads, 1);
  EXPECT_FALSE(choice.clamped());
}

TEST_F(OmpEnv, WithoutARequestTheMaskDecides) {
  unsetenv("OMP_NUM_THREADS");
  const auto choice = partita::choose_threads(0);
  EXPECT_EQ(choice.source, "affinity mask");
  EXPECT_EQ(choice.threads, partita::cpus_in_affinity_mask());
}

TEST_F(OmpEnv, GarbageInOmpNumThreadsFallsBackToTheMask) {
  setenv("OMP_NUM_THREADS", "lots", 1);
  EXPECT_EQ(partita::choose_threads(0).source, "affinity mask");
}

// Inside an allocation the scheduler's count comes before OMP_NUM_THREADS.
TEST_F(OmpEnv, SlurmCpusPerTaskComesFirst) {
  setenv("OMP_NUM_THREADS", "3", 1);
  setenv("SLURM_CPUS_PER_TASK", "1", 1);
  const auto choice = partita::choose_threads(0);
  EXPECT_EQ(choice.source, "SLURM_CPUS_PER_TASK");
  EXPECT_EQ(choice.wanted, 1);
  EXPECT_EQ(partita::choose_threads(2).source, "request");
}

// PBS's NCPUS is a chunk's: shared by the ranks placed on the node.
TEST_F(OmpEnv, PbsNcpusIsSharedByTheNodesRanks) {
  unsetenv("OMP_NUM_THREADS");
  setenv("PBS_JOBID", "12.server", 1);
  setenv("NCPUS", "8", 1);
  const auto choice = partita::choose_threads(0, 4);
  EXPECT_EQ(choice.source, "NCPUS (PBS)");
  EXPECT_EQ(choice.wanted, 2);
  setenv("OMP_NUM_THREADS", "1", 1);  // PBS sets it from ompthreads: it wins
  EXPECT_EQ(partita::choose_threads(0, 4).source, "OMP_NUM_THREADS");
  unsetenv("PBS_JOBID");  // NCPUS outside a PBS job means nothing
  unsetenv("OMP_NUM_THREADS");
  EXPECT_EQ(partita::choose_threads(0, 4).source, "affinity mask");
}

}  // namespace
