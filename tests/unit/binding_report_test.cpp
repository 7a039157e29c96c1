// The placement warnings of partita info, on made-up bindings: each problem
// is named with its rank, host and CPUs, and a good placement says nothing.
#include "placement/binding_report.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using partita::launch::binding_warnings;
using partita::launch::ThreadBinding;

ThreadBinding thread(int rank, int t, std::vector<int> cpus, int wanted = 0) {
  ThreadBinding b;
  b.host = "node1";
  b.rank = rank;
  b.node_rank = rank;
  b.thread = t;
  b.cpus = cpus;
  b.numa = {0};
  for (int cpu : cpus) b.cores.push_back(cpu);  // one CPU per core
  b.wanted_threads = wanted;
  return b;
}

std::string all_of(const std::vector<std::string>& warnings) {
  std::string text;
  for (const auto& w : warnings) text += w + "\n";
  return text;
}

TEST(BindingWarnings, OneThreadPerCoreIsFine) {
  const std::vector<ThreadBinding> good{thread(0, 0, {0}, 2), thread(0, 1, {1}, 2), thread(1, 0, {2}, 2),
                                        thread(1, 1, {3}, 2)};
  EXPECT_EQ(all_of(binding_warnings(good, 4)), "");
}

TEST(BindingWarnings, NamesEachProblem) {
  const auto text = [](const std::vector<ThreadBinding>& bindings, int cpus) {
    return all_of(binding_warnings(bindings, cpus));
  };
  // Two ranks pinned to the same core.
  EXPECT_NE(text({thread(0, 0, {0}, 1), thread(1, 0, {0}, 1)}, 4).find(
                "rank 0 thread 0 and 1 more thread(s) are all bound to the core of CPU(s) 0"),
            std::string::npos);
  // A rank that asked for 4 threads but got one CPU.
  EXPECT_NE(text({thread(0, 0, {3}, 4)}, 4).find("rank 0 on node1 asked for 4 threads but may run on only CPU(s) 3, "
                                                  "so it runs 1"),
            std::string::npos);
  // Two threads of one rank on one core.
  EXPECT_NE(text({thread(0, 0, {1}, 2), thread(0, 1, {1}, 2)}, 4).find("rank 0 on node1 runs 2 threads but is bound "
                                                                      "to a single core"),
            std::string::npos);
  // Threads free over the whole mask.
  EXPECT_NE(text({thread(0, 0, {0, 1, 2, 3}, 2), thread(0, 1, {0, 1, 2, 3}, 2)}, 4)
                .find("the 2 threads of rank 0 on node1 may each run on any of CPUs 0-3"),
            std::string::npos);
  // More threads than CPUs on the host.
  EXPECT_NE(text({thread(0, 0, {0}, 1), thread(1, 0, {1}, 1), thread(2, 0, {0, 1}, 1)}, 2)
                .find("node1 runs 3 threads on 2 CPUs"),
            std::string::npos);
}

TEST(BindingReport, CpuListsAreCompact) {
  EXPECT_EQ(partita::launch::cpu_list({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
  EXPECT_EQ(partita::launch::cpu_list({5}), "5");
  EXPECT_EQ(partita::launch::cpu_list({}), "-");
}

}  // namespace
