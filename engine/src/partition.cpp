#include "partita/partition.hpp"

#include <algorithm>

namespace partita {

IdRange split(const IdRange& range, std::uint64_t parts, std::uint64_t part, Partition partition) noexcept {
  if (partition == Partition::cyclic) {
    const std::uint64_t count = part < range.count ? (range.count - part + parts - 1) / parts : 0;
    return {range.begin + part * range.stride, count, range.stride * parts};
  }
  // The first (count % parts) parts get one extra id.
  const std::uint64_t base = range.count / parts;
  const std::uint64_t extra = range.count % parts;
  const std::uint64_t first = part * base + std::min(part, extra);
  const std::uint64_t count = base + (part < extra ? 1 : 0);
  return {range.begin + first * range.stride, count, range.stride};
}

}  // namespace partita
