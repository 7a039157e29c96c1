#include "partita/partition.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using partita::IdRange;
using partita::Partition;

// Every id in [0, n) lands in exactly one (rank, thread) cell.
void expect_exact_cover(std::uint64_t n, int ranks, int threads, Partition partition) {
  std::vector<int> hits(n, 0);
  for (int r = 0; r < ranks; ++r) {
    const IdRange mine = partita::split(partita::all_ids(n), ranks, r, partition);
    for (int t = 0; t < threads; ++t) {
      const IdRange part = partita::split(mine, threads, t, partition);
      for (std::uint64_t k = 0; k < part.count; ++k) {
        ASSERT_LT(part[k], n);
        ++hits[part[k]];
        EXPECT_EQ(mine[mine.index_of(part[k])], part[k]);
      }
    }
  }
  for (std::uint64_t id = 0; id < n; ++id) ASSERT_EQ(hits[id], 1) << "id " << id;
}

TEST(Partition, BlockAndCyclicCoverEveryIdOnce) {
  for (auto partition : {Partition::block, Partition::cyclic}) {
    for (std::uint64_t n : {0, 1, 2, 7, 64, 1000, 1023}) {
      for (int ranks : {1, 2, 3, 4, 7}) {
        for (int threads : {1, 2, 3}) expect_exact_cover(n, ranks, threads, partition);
      }
    }
  }
}

TEST(Partition, BlockIsContiguousAndBalanced) {
  // 10 ids over 4 parts: 3, 3, 2, 2.
  const std::uint64_t begins[] = {0, 3, 6, 8};
  const std::uint64_t counts[] = {3, 3, 2, 2};
  for (int p = 0; p < 4; ++p) {
    const IdRange r = partita::split(partita::all_ids(10), 4, p, Partition::block);
    EXPECT_EQ(r.begin, begins[p]);
    EXPECT_EQ(r.count, counts[p]);
    EXPECT_EQ(r.stride, 1u);
  }
}

TEST(Partition, CyclicDealsRoundRobin) {
  const IdRange r = partita::split(partita::all_ids(10), 3, 1, Partition::cyclic);
  EXPECT_EQ(r.count, 3u);  // 1, 4, 7
  EXPECT_EQ(r[0], 1u);
  EXPECT_EQ(r[2], 7u);
  // Threads of that rank deal its ids round robin again: 1, 7 and 4.
  const IdRange t0 = partita::split(r, 2, 0, Partition::cyclic);
  EXPECT_EQ(t0.count, 2u);
  EXPECT_EQ(t0[1], 7u);
}

TEST(Partition, MorePartsThanIdsLeavesSomeEmpty) {
  EXPECT_EQ(partita::split(partita::all_ids(2), 4, 3, Partition::block).count, 0u);
  EXPECT_EQ(partita::split(partita::all_ids(2), 4, 3, Partition::cyclic).count, 0u);
}

TEST(Partition, SixtyFourBitSpaces) {
  const std::uint64_t n = (std::uint64_t{1} << 40) + 3;
  std::uint64_t total = 0;
  for (int p = 0; p < 3; ++p) total += partita::split(partita::all_ids(n), 3, p, Partition::block).count;
  EXPECT_EQ(total, n);
  const IdRange last = partita::split(partita::all_ids(n), 3, 2, Partition::block);
  EXPECT_EQ(last[last.count - 1], n - 1);
}

}  // namespace
