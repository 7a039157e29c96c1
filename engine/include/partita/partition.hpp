// Static partitions of a task space [0, n): which ids a rank owns, and which
// of those each of its threads runs. A partition is a pure function of
// (n, parts, part, partition), so every rank can compute any other's share.
#pragma once

#include <cstdint>

namespace partita {

/// block: contiguous, balanced ranges (sizes differ by at most one).
/// cyclic: id goes to part id % parts (round robin), which spreads a cost
/// that grows with the id.
enum class Partition { block, cyclic };

/// The ids begin, begin + stride, ... (count of them).
struct IdRange {
  std::uint64_t begin = 0;
  std::uint64_t count = 0;
  std::uint64_t stride = 1;

  std::uint64_t operator[](std::uint64_t k) const noexcept { return begin + k * stride; }
  /// The position k of an id of this range: (*this)[index_of(id)] == id.
  std::uint64_t index_of(std::uint64_t id) const noexcept { return (id - begin) / stride; }
};

/// The whole space [0, n).
constexpr IdRange all_ids(std::uint64_t n) noexcept { return {0, n, 1}; }

/// Part `part` of `parts` of `range`. Not collective: a pure function, so
/// any rank can compute any other's share. Splitting a rank's share again by
/// threads gives the two-level partition (ranks, then threads); the parts
/// of a range cover each of its ids exactly once.
IdRange split(const IdRange& range, std::uint64_t parts, std::uint64_t part, Partition partition) noexcept;

}  // namespace partita
