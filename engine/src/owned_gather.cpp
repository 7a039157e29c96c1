#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "partita/detail/owned_gather.hpp"
#include "partita/error.hpp"

namespace partita::detail {

namespace {

int checked_int(std::uint64_t bytes) {
  if (bytes > static_cast<std::uint64_t>(INT_MAX)) {
    throw Error("gathering " + std::to_string(bytes) +
                " bytes exceeds MPI's int count; use a larger reduction block size or fewer values per task");
  }
  return static_cast<int>(bytes);
}

// Where each rank's packed share lies in one buffer ordered by rank.
struct PackedLayout {
  std::vector<int> counts;
  std::vector<int> displs;
  std::uint64_t total = 0;
};

PackedLayout packed_layout(std::uint64_t n, int ranks, std::size_t elem_size, Partition partition) {
  PackedLayout layout{std::vector<int>(ranks), std::vector<int>(ranks), 0};
  for (int r = 0; r < ranks; ++r) {
    const IdRange owned = split(all_ids(n), ranks, r, partition);
    layout.counts[r] = checked_int(owned.count * elem_size);
    layout.displs[r] = checked_int(layout.total);
    layout.total += owned.count * elem_size;
  }
  checked_int(layout.total);
  return layout;
}

// Scatters the packed shares of every rank to their ids' places.
void unpack(const unsigned char* packed, const PackedLayout& layout, unsigned char* all, std::uint64_t n,
            std::size_t elem_size, Partition partition) {
  const int ranks = static_cast<int>(layout.counts.size());
  for (int r = 0; r < ranks; ++r) {
    const IdRange owned = split(all_ids(n), ranks, r, partition);
    for (std::uint64_t k = 0; k < owned.count; ++k) {
      std::memcpy(all + owned[k] * elem_size, packed + layout.displs[r] + k * elem_size, elem_size);
    }
  }
}

}  // namespace

void allgather_owned(const Context& ctx, void* blocks, std::uint64_t n, std::size_t elem_size,
                     Partition partition) {
  if (ctx.size() == 1) return;
  auto* bytes = static_cast<unsigned char*>(blocks);
  const PackedLayout layout = packed_layout(n, ctx.size(), elem_size, partition);
  const IdRange mine = split(all_ids(n), ctx.size(), ctx.rank(), partition);
  std::vector<unsigned char> packed(layout.total);
  for (std::uint64_t k = 0; k < mine.count; ++k) {
    std::memcpy(packed.data() + layout.displs[ctx.rank()] + k * elem_size, bytes + mine[k] * elem_size, elem_size);
  }
  MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, packed.data(), layout.counts.data(), layout.displs.data(),
                 MPI_BYTE, ctx.comm());
  unpack(packed.data(), layout, bytes, n, elem_size, partition);
}

void gather_owned_bytes(const Context& ctx, const void* mine, void* all, std::uint64_t n, std::size_t elem_size,
                        Partition partition, int root) {
  const PackedLayout layout = packed_layout(n, ctx.size(), elem_size, partition);
  const bool is_root = ctx.rank() == root;
  std::vector<unsigned char> packed(is_root ? layout.total : 0);
  MPI_Gatherv(mine, layout.counts[ctx.rank()], MPI_BYTE, packed.data(), layout.counts.data(),
              layout.displs.data(), MPI_BYTE, root, ctx.comm());
  if (is_root) unpack(packed.data(), layout, static_cast<unsigned char*>(all), n, elem_size, partition);
}

void gather_by_id_bytes(const Context& ctx, std::span<const std::uint64_t> ids, const void* values,
                        std::size_t elem_size, void* all, std::uint64_t n, int root) {
  const bool is_root = ctx.rank() == root;
  const int ranks = ctx.size();
  int mine = checked_int(ids.size());
  std::vector<int> counts(is_root ? ranks : 0);
  MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, root, ctx.comm());

  std::vector<int> id_displs(counts.size()), byte_counts(counts.size()), byte_displs(counts.size());
  std::uint64_t total = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    id_displs[r] = checked_int(total);
    byte_counts[r] = checked_int(static_cast<std::uint64_t>(counts[r]) * elem_size);
    byte_displs[r] = checked_int(total * elem_size);
    total += static_cast<std::uint64_t>(counts[r]);
  }
  if (is_root && total > n) {
    throw Error("gather_by_id: ranks hold " + std::to_string(total) + " ids for a space of " + std::to_string(n));
  }
  std::vector<std::uint64_t> all_ids(is_root ? total : 0);
  std::vector<unsigned char> packed(is_root ? total * elem_size : 0);
  MPI_Gatherv(ids.data(), mine, MPI_UINT64_T, all_ids.data(), counts.data(), id_displs.data(), MPI_UINT64_T, root,
              ctx.comm());
  MPI_Gatherv(values, checked_int(ids.size() * elem_size), MPI_BYTE, packed.data(), byte_counts.data(),
              byte_displs.data(), MPI_BYTE, root, ctx.comm());
  auto* out = static_cast<unsigned char*>(all);
  for (std::uint64_t k = 0; k < all_ids.size(); ++k) {
    if (all_ids[k] >= n) throw Error("gather_by_id: id " + std::to_string(all_ids[k]) + " is outside [0, " +
                                     std::to_string(n) + ")");
    std::memcpy(out + all_ids[k] * elem_size, packed.data() + k * elem_size, elem_size);
  }
}

}  // namespace partita::detail
