// The Mandelbrot set, one image row at a time: escape counts summed over a
// row, and a cheap estimate of a row's cost from a sparse sample of its
// pixels. Rows on the set's edge cost far more than rows outside it, which
// makes a row sweep a natural irregular workload. Plain C++: no MPI, no
// threads; plain IEEE double arithmetic, so results are deterministic.
#pragma once

#include <cstddef>
#include <cstdint>

#include "partita/error.hpp"

namespace partita::kernels::mandelbrot {

/// The rectangle of the complex plane the image covers: x is the real
/// axis, y the imaginary one, x_min < x_max and y_min < y_max.
struct Region {
  double x_min = -2.0;
  double x_max = 1.0;
  double y_min = -1.5;
  double y_max = 1.5;
};

/// Throws partita::InvalidArgument unless every bound is finite and
/// x_min < x_max, y_min < y_max.
void validate(const Region& region);

/// The escape count of c = cx + i cy: iterations of z <- z^2 + c from
/// z = 0 until |z| > 2, at most max_iter. A point with |c| > 2 has count 1;
/// a point that never escapes has count max_iter (it counts as inside).
std::uint32_t escape_count(double cx, double cy, std::uint32_t max_iter);

/// Pixel (column, row)'s point: the centre of its cell, with row 0 at the top
/// (y_max) and column 0 at the left (x_min).
double pixel_x(const Region& region, std::size_t width, std::size_t column);
double pixel_y(const Region& region, std::size_t height, std::size_t row);

struct RowSummary {
  std::uint64_t escaped = 0;     ///< pixels with count < max_iter
  std::uint64_t inside = 0;      ///< pixels with count == max_iter
  std::uint64_t iterations = 0;  ///< sum of all counts (the work done)
  double mean_escape = 0.0;      ///< mean count of escaped pixels; 0 if none
};

/// Summarises one row of a width x height image of `region`. Not collective.
/// Throws partita::InvalidArgument for an invalid region, width or height 0,
/// row >= height or max_iter 0.
/// Serial equivalent: for (column = 0; column < width; ++column)
///   add escape_count(pixel_x(column), pixel_y(row), max_iter).
RowSummary row(const Region& region, std::size_t width, std::size_t height, std::size_t row,
               std::uint32_t max_iter);

/// A cheap estimate of row(...).iterations: the counts of every stride-th
/// pixel (columns 0, stride, 2 stride, ...) times stride, so about 1/stride
/// of the row's work. Same arguments and errors as row(), and stride >= 1.
double estimate_row_iterations(const Region& region, std::size_t width, std::size_t height, std::size_t row,
                               std::uint32_t max_iter, std::size_t stride = 16);

}  // namespace partita::kernels::mandelbrot
