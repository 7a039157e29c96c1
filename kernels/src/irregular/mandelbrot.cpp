#include "partita/kernels/mandelbrot.hpp"

#include <cmath>
#include <string>

#include "partita/error.hpp"

namespace partita::kernels::mandelbrot {

namespace {

void validate_row(const Region& region, std::size_t width, std::size_t height, std::size_t row,
                  std::uint32_t max_iter) {
  validate(region);
  if (width == 0 || height == 0) throw InvalidArgument("image width and height must be >= 1");
  if (row >= height) {
    throw InvalidArgument("row " + std::to_string(row) + " must be < height " + std::to_string(height));
  }
  if (max_iter == 0) throw InvalidArgument("max_iter must be >= 1");
}

}  // namespace

void validate(const Region& region) {
  const bool finite = std::isfinite(region.x_min) && std::isfinite(region.x_max) &&
                      std::isfinite(region.y_min) && std::isfinite(region.y_max);
  if (!finite || !(region.x_min < region.x_max) || !(region.y_min < region.y_max)) {
    throw InvalidArgument("region [" + std::to_string(region.x_min) + ", " + std::to_string(region.x_max) +
                          "] x [" + std::to_string(region.y_min) + ", " + std::to_string(region.y_max) +
                          "] must be finite with x_min < x_max and y_min < y_max");
  }
}

std::uint32_t escape_count(double cx, double cy, std::uint32_t max_iter) {
  double zx = 0.0;
  double zy = 0.0;
  std::uint32_t n = 0;
  while (n < max_iter) {
    const double zx2 = zx * zx;
    const double zy2 = zy * zy;
    if (zx2 + zy2 > 4.0) break;
    zy = 2.0 * zx * zy + cy;
    zx = zx2 - zy2 + cx;
    ++n;
  }
  return n;
}

double pixel_x(const Region& region, std::size_t width, std::size_t column) {
  return region.x_min + (static_cast<double>(column) + 0.5) * (region.x_max - region.x_min) /
                            static_cast<double>(width);
}

double pixel_y(const Region& region, std::size_t height, std::size_t row) {
  return region.y_max - (static_cast<double>(row) + 0.5) * (region.y_max - region.y_min) /
                            static_cast<double>(height);
}

RowSummary row(const Region& region, std::size_t width, std::size_t height, std::size_t row,
               std::uint32_t max_iter) {
  validate_row(region, width, height, row, max_iter);
  const double cy = pixel_y(region, height, row);
  RowSummary summary;
  std::uint64_t escaped_iterations = 0;
  for (std::size_t column = 0; column < width; ++column) {
    const std::uint32_t count = escape_count(pixel_x(region, width, column), cy, max_iter);
    summary.iterations += count;
    if (count == max_iter) {
      ++summary.inside;
    } else {
      ++summary.escaped;
      escaped_iterations += count;
    }
  }
  if (summary.escaped > 0) {
    summary.mean_escape = static_cast<double>(escaped_iterations) / static_cast<double>(summary.escaped);
  }
  return summary;
}

double estimate_row_iterations(const Region& region, std::size_t width, std::size_t height, std::size_t row,
                               std::uint32_t max_iter, std::size_t stride) {
  validate_row(region, width, height, row, max_iter);
  if (stride == 0) throw InvalidArgument("stride must be >= 1");
  const double cy = pixel_y(region, height, row);
  std::uint64_t sampled = 0;
  for (std::size_t column = 0; column < width; column += stride) {
    sampled += escape_count(pixel_x(region, width, column), cy, max_iter);
  }
  return static_cast<double>(sampled) * static_cast<double>(stride);
}

}  // namespace partita::kernels::mandelbrot
