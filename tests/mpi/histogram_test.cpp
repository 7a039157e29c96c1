// The distributed histogram: exact counts, equal to a serial loop over the
// whole vector, for every split and at every rank and thread count.
#include "partita/kernels/histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpi_test.hpp"
#include "partita/context.hpp"
#include "partita/rng.hpp"
#include "split.hpp"

namespace {

namespace hist = partita::kernels::histogram;
using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;
using partita::testing::Split;

// Normal draws with a NaN and infinities sprinkled in; 2^17 values, so
// 32768 per rank at 4 ranks: enough for 2 threads each.
const std::vector<double>& values() {
  static const std::vector<double> x = [] {
    std::vector<double> v(std::size_t{1} << 17);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = partita::Rng(5, i).normal();
    v[7] = std::numeric_limits<double>::quiet_NaN();
    v[70000] = std::numeric_limits<double>::infinity();
    v[100000] = -std::numeric_limits<double>::infinity();
    return v;
  }();
  return x;
}

// The serial equivalent in histogram.hpp, over the whole vector.
std::vector<std::uint64_t> serial_counts(const hist::Layout& layout) {
  std::vector<std::uint64_t> c(layout.bins + 3, 0);  // bins, underflow, overflow, NaN
  for (double v : values()) {
    if (std::isnan(v)) {
      ++c[layout.bins + 2];
    } else if (v < layout.lower) {
      ++c[layout.bins];
    } else if (v >= layout.upper) {
      ++c[layout.bins + 1];
    } else {
      ++c[hist::bin_of(v, layout)];
    }
  }
  return c;
}

class HistogramSplit : public ::testing::TestWithParam<Split> {};

TEST_P(HistogramSplit, ExactCountsOnEveryRank) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const auto mine = partita::testing::my_part(values(), GetParam(), ctx.rank(), ctx.size());
  for (const hist::Layout layout : {hist::Layout{-2.5, 2.5, 50}, hist::Layout{0.0, 1.0, 1}}) {
    const auto h = hist::count(ctx, mine, layout);
    std::vector<std::uint64_t> got = h.counts;
    got.insert(got.end(), {h.underflow, h.overflow, h.nan});
    const bool ok = got == serial_counts(layout) && h.total() == values().size();
    ASSERT_TRUE(on_all_ranks(ok)) << "counts differ from the serial loop (" << layout.bins << " bins, "
                                  << ctx.threads() << " threads) on ranks " << ranks_failing(ok);
  }
}

INSTANTIATE_TEST_SUITE_P(Splits, HistogramSplit,
                         ::testing::Values(Split::even, Split::uneven, Split::last_rank, Split::strided),
                         [](const auto& split) { return std::string(partita::testing::name(split.param)); });

TEST(HistogramAcrossRanks, BadLayoutThrowsOnEveryRank) {
  const partita::Context ctx(MPI_COMM_WORLD);
  bool threw = false;
  try {
    hist::count(ctx, values(), {1.0, 0.0, 10});
  } catch (const partita::InvalidArgument&) {
    threw = true;
  }
  ASSERT_TRUE(on_all_ranks(threw)) << "no exception on ranks " << ranks_failing(threw);
}

}  // namespace
