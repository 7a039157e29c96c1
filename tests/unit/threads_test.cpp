#include "partita/threads.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

// Restores OMP_NUM_THREADS after a test changes it.
class OmpEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* v = std::getenv("OMP_NUM_THREADS");
    had_ = v != nullptr;
    if (had_) saved_ = v;
  }
  void TearDown() override {
    if (had_) {
      setenv("OMP_NUM_THREADS", saved_.c_str(), 1);
    } else {
      unsetenv("OMP_NUM_THREADS");
    }
  }

 private:
  bool had_ = false;
  std::string saved_;
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

}  // namespace
