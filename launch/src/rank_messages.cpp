#include "rank_messages.hpp"

namespace partita::launch {

std::vector<std::string> gather_text(const Context& ctx, const std::string& mine) {
  const bool root = ctx.rank() == 0;
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(root ? ctx.size() : 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, ctx.comm());
  std::vector<int> offsets(lengths.size());
  int total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = total;
    total += lengths[r];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, ctx.comm());
  std::vector<std::string> texts;
  for (std::size_t r = 0; r < lengths.size(); ++r) texts.push_back(all.substr(offsets[r], lengths[r]));
  return texts;
}

GatheredNumbers gather_numbers(const Context& ctx, const std::vector<double>& mine) {
  const bool root = ctx.rank() == 0;
  int length = static_cast<int>(mine.size());
  GatheredNumbers all{{}, std::vector<int>(root ? ctx.size() : 0), std::vector<int>(root ? ctx.size() : 0)};
  MPI_Gather(&length, 1, MPI_INT, all.lengths.data(), 1, MPI_INT, 0, ctx.comm());
  int total = 0;
  for (std::size_t r = 0; r < all.lengths.size(); ++r) {
    all.offsets[r] = total;
    total += all.lengths[r];
  }
  all.values.resize(static_cast<std::size_t>(total));
  MPI_Gatherv(mine.data(), length, MPI_DOUBLE, all.values.data(), all.lengths.data(), all.offsets.data(),
              MPI_DOUBLE, 0, ctx.comm());
  return all;
}

std::string broadcast_text(const Context& ctx, std::string text) {
  int length = static_cast<int>(text.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, ctx.comm());
  text.resize(static_cast<std::size_t>(length));
  MPI_Bcast(text.data(), length, MPI_CHAR, 0, ctx.comm());
  return text;
}

}  // namespace partita::launch
