// One rank's block of the grid with a one-point halo all round, row-major.
// Rows are padded so that every row's first interior point starts a cache
// line (aligned vector loads and stores), and the row stride avoids
// multiples of 4 KiB, where the rows a stencil reads at once would compete
// for the same cache sets.
#pragma once

#include <cstddef>
#include <new>

namespace partita::kernels::stencil::detail {

class Field {
 public:
  /// rows x cols interior points plus the halo; the memory is left
  /// uninitialised, so that the threads that will update a row touch it
  /// first (its pages then sit by their cores).
  Field(std::size_t rows, std::size_t cols);
  ~Field();
  Field(const Field&) = delete;
  Field& operator=(const Field&) = delete;
  Field(Field&& other) noexcept;
  Field& operator=(Field&& other) noexcept;

  /// Row i of [0, rows + 2), 0 and rows + 1 being halo; element j of
  /// [0, cols + 2) of it, 0 and cols + 1 being halo.
  double* row(std::size_t i) noexcept { return origin_ + i * stride_; }
  const double* row(std::size_t i) const noexcept { return origin_ + i * stride_; }
  std::size_t stride() const noexcept { return stride_; }
  std::size_t rows() const noexcept { return rows_; }
  std::size_t cols() const noexcept { return cols_; }

 private:
  static constexpr std::size_t line = 64;  // bytes in a cache line
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::size_t stride_ = 0;
  void* memory_ = nullptr;
  double* origin_ = nullptr;
};

}  // namespace partita::kernels::stencil::detail
