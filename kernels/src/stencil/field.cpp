#include "field.hpp"

#include <utility>

namespace partita::kernels::stencil::detail {

namespace {

constexpr std::size_t per_line = 8;  // doubles in a 64-byte cache line

}  // namespace

Field::Field(std::size_t rows, std::size_t cols) : rows_(rows), cols_(cols) {
  stride_ = (cols + 2 + per_line - 1) / per_line * per_line;
  if (stride_ % 512 == 0) stride_ += per_line;  // 4 KiB apart: cache-set conflicts
  // origin_ = memory + 7 doubles puts element 1 of every row on a line.
  const std::size_t doubles = (per_line - 1) + (rows + 2) * stride_;
  memory_ = ::operator new (doubles * sizeof(double), std::align_val_t{line});
  origin_ = static_cast<double*>(memory_) + (per_line - 1);
}

Field::~Field() {
  if (memory_ != nullptr) ::operator delete (memory_, std::align_val_t{line});
}

Field::Field(Field&& other) noexcept
    : rows_(other.rows_),
      cols_(other.cols_),
      stride_(other.stride_),
      memory_(std::exchange(other.memory_, nullptr)),
      origin_(std::exchange(other.origin_, nullptr)) {}

Field& Field::operator=(Field&& other) noexcept {
  if (this != &other) {
    if (memory_ != nullptr) ::operator delete (memory_, std::align_val_t{line});
    rows_ = other.rows_;
    cols_ = other.cols_;
    stride_ = other.stride_;
    memory_ = std::exchange(other.memory_, nullptr);
    origin_ = std::exchange(other.origin_, nullptr);
  }
  return *this;
}

}  // namespace partita::kernels::stencil::detail
