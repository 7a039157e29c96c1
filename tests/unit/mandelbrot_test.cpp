#include "partita/kernels/mandelbrot.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

namespace mb = partita::kernels::mandelbrot;

TEST(MandelbrotEscape, KnownPoints) {
  EXPECT_EQ(mb::escape_count(0.0, 0.0, 100), 100u);   // the origin never escapes
  EXPECT_EQ(mb::escape_count(-1.0, 0.0, 100), 100u);  // period-2 cycle 0, -1, 0, ...
  EXPECT_EQ(mb::escape_count(-2.0, 0.0, 100), 100u);  // |z| reaches 2 but never exceeds it
  EXPECT_EQ(mb::escape_count(3.0, 0.0, 100), 1u);     // |c| > 2: out after z1 = c
  EXPECT_EQ(mb::escape_count(1.0, 0.0, 100), 3u);     // 0, 1, 2, 5
  EXPECT_EQ(mb::escape_count(1.0, 0.0, 2), 2u);       // capped: counts as inside
}

TEST(MandelbrotPixels, AreCellCentresWithRowZeroAtTheTop) {
  const mb::Region region{-2.0, 2.0, -1.0, 1.0};
  EXPECT_DOUBLE_EQ(mb::pixel_x(region, 4, 0), -1.5);
  EXPECT_DOUBLE_EQ(mb::pixel_x(region, 4, 3), 1.5);
  EXPECT_DOUBLE_EQ(mb::pixel_y(region, 2, 0), 0.5);
  EXPECT_DOUBLE_EQ(mb::pixel_y(region, 2, 1), -0.5);
}

// The default region's middle row of an odd height lies on y = 0, through
// the main cardioid around (-0.5, 0).
TEST(MandelbrotRow, RowThroughTheMainCardioidHasInsidePixels) {
  const auto s = mb::row(mb::Region{}, 30, 3, 1, 200);
  EXPECT_GT(s.inside, 0u);
  EXPECT_GT(s.escaped, 0u);
  EXPECT_EQ(s.inside + s.escaped, 30u);
  EXPECT_GT(s.mean_escape, 0.0);
  EXPECT_GE(s.iterations, s.inside * 200);
}

// Every point of [3, 5] x [3, 4] has |c| > 2, so each pixel counts exactly 1.
TEST(MandelbrotRow, RowOutsideRadiusTwoEscapesAtOnce) {
  const mb::Region far{3.0, 5.0, 3.0, 4.0};
  const auto s = mb::row(far, 50, 7, 4, 1000);
  EXPECT_EQ(s.escaped, 50u);
  EXPECT_EQ(s.inside, 0u);
  EXPECT_EQ(s.iterations, 50u);
  EXPECT_EQ(s.mean_escape, 1.0);
}

// A 4 x 4 image summed row by row equals an independent serial loop over all
// its pixels, written out here without the kernel's helpers.
TEST(MandelbrotRow, TinyImageMatchesSerialReference) {
  const mb::Region region{-2.0, 0.5, -1.25, 1.25};
  constexpr std::uint32_t max_iter = 50;
  std::uint64_t escaped = 0, inside = 0, iterations = 0;
  for (int py = 0; py < 4; ++py) {
    const double cy = 1.25 - (py + 0.5) * 2.5 / 4;
    for (int px = 0; px < 4; ++px) {
      const double cx = -2.0 + (px + 0.5) * 2.5 / 4;
      double zx = 0, zy = 0;
      std::uint32_t n = 0;
      for (; n < max_iter && zx * zx + zy * zy <= 4.0; ++n) {
        const double next_x = zx * zx - zy * zy + cx;
        zy = 2 * zx * zy + cy;
        zx = next_x;
      }
      iterations += n;
      (n == max_iter ? inside : escaped) += 1;
    }
  }
  mb::RowSummary total;
  for (std::size_t r = 0; r < 4; ++r) {
    const auto s = mb::row(region, 4, 4, r, max_iter);
    total.escaped += s.escaped;
    total.inside += s.inside;
    total.iterations += s.iterations;
  }
  EXPECT_EQ(total.escaped, escaped);
  EXPECT_EQ(total.inside, inside);
  EXPECT_EQ(total.iterations, iterations);
  EXPECT_GT(inside, 0u);
  EXPECT_GT(escaped, 0u);
}

TEST(MandelbrotEstimate, StrideOneIsExactAndEdgeRowsCostMore) {
  const mb::Region region{};
  for (std::size_t r = 0; r < 9; ++r) {
    EXPECT_EQ(mb::estimate_row_iterations(region, 64, 9, r, 300, 1),
              static_cast<double>(mb::row(region, 64, 9, r, 300).iterations))
        << "row " << r;
  }
  // Row 0 (y near 1.33) is almost all outside; row 4 (y = 0) crosses the set.
  EXPECT_GT(mb::estimate_row_iterations(region, 256, 9, 4, 300),
            10 * mb::estimate_row_iterations(region, 256, 9, 0, 300));
  const mb::Region far{3.0, 5.0, 3.0, 4.0};
  EXPECT_EQ(mb::estimate_row_iterations(far, 64, 4, 0, 300), 64.0);  // 4 samples x 1 x stride 16
}

TEST(MandelbrotRow, RejectsBadArguments) {
  const mb::Region region{};
  EXPECT_THROW(mb::row(region, 8, 8, 8, 100), partita::InvalidArgument);
  EXPECT_THROW(mb::row(region, 0, 8, 0, 100), partita::InvalidArgument);
  EXPECT_THROW(mb::row(region, 8, 0, 0, 100), partita::InvalidArgument);
  EXPECT_THROW(mb::row(region, 8, 8, 0, 0), partita::InvalidArgument);
  EXPECT_THROW(mb::row(mb::Region{1.0, 1.0, -1.0, 1.0}, 8, 8, 0, 100), partita::InvalidArgument);
  EXPECT_THROW(mb::row(mb::Region{-1.0, 1.0, 2.0, 1.0}, 8, 8, 0, 100), partita::InvalidArgument);
  EXPECT_THROW(mb::estimate_row_iterations(region, 8, 8, 0, 100, 0), partita::InvalidArgument);
  EXPECT_THROW(mb::estimate_row_iterations(region, 8, 8, 9, 100), partita::InvalidArgument);
}

}  // namespace
