#include "run/rank_messages.hpp"

#include <cstring>

namespace partita::launch {

namespace {

// Each rank's length on rank 0, and where its part starts in the gathered
// buffer; empty on the other ranks.
struct Layout {
  std::vector<int> lengths;
  std::vector<int> offsets;
  int total = 0;
};

Layout gather_layout(const Context& ctx, int length) {
  const std::size_t ranks = ctx.rank() == 0 ? static_cast<std::size_t>(ctx.size()) : 0;
  Layout layout{std::vector<int>(ranks), std::vector<int>(ranks), 0};
  MPI_Gather(&length, 1, MPI_INT, layout.lengths.data(), 1, MPI_INT, 0, ctx.comm());
  for (std::size_t r = 0; r < ranks; ++r) {
    layout.offsets[r] = layout.total;
    layout.total += layout.lengths[r];
  }
  return layout;
}

}  // namespace

std::vector<std::string> gather_text(const Context& ctx, const std::string& mine) {
  const int length = static_cast<int>(mine.size());
  const Layout layout = gather_layout(ctx, length);
  std::string all(static_cast<std::size_t>(layout.total), '\0');
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), layout.lengths.data(), layout.offsets.data(), MPI_CHAR, 0,
              ctx.comm());
  std::vector<std::string> texts;
  for (std::size_t r = 0; r < layout.lengths.size(); ++r) {
    texts.push_back(all.substr(layout.offsets[r], layout.lengths[r]));
  }
  return texts;
}

std::vector<std::string> gather_texts_by_id(const Context& ctx, const std::vector<std::uint64_t>& ids,
                                            const std::vector<std::string>& texts, std::uint64_t tasks) {
  // Each as its id and length (8 bytes each, little-endian), then its bytes.
  std::string mine;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::uint64_t head[2] = {ids[k], texts[k].size()};
    mine.append(reinterpret_cast<const char*>(head), sizeof head);
    mine += texts[k];
  }
  std::vector<std::string> by_id(ctx.rank() == 0 ? tasks : 0);
  for (const std::string& part : gather_text(ctx, mine)) {
    for (std::size_t at = 0; at + 16 <= part.size();) {
      std::uint64_t head[2];
      std::memcpy(head, part.data() + at, sizeof head);
      by_id[head[0]] = part.substr(at + 16, head[1]);
      at += 16 + head[1];
    }
  }
  return by_id;
}

GatheredNumbers gather_numbers(const Context& ctx, const std::vector<double>& mine) {
  const int length = static_cast<int>(mine.size());
  Layout layout = gather_layout(ctx, length);
  GatheredNumbers all{std::vector<double>(static_cast<std::size_t>(layout.total)), std::move(layout.offsets),
                      std::move(layout.lengths)};
  MPI_Gatherv(mine.data(), length, MPI_DOUBLE, all.values.data(), all.lengths.data(), all.offsets.data(),
              MPI_DOUBLE, 0, ctx.comm());
  return all;
}

std::string broadcast_text(const Context& ctx, std::string text, int root) {
  int length = static_cast<int>(text.size());
  MPI_Bcast(&length, 1, MPI_INT, root, ctx.comm());
  text.resize(static_cast<std::size_t>(length));
  MPI_Bcast(text.data(), length, MPI_CHAR, root, ctx.comm());
  return text;
}

}  // namespace partita::launch
