// Text and numbers from every rank collected on rank 0, so the one process
// that prints and writes files can name what went wrong on rank 3.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "partita/context.hpp"

namespace partita::launch {

/// Collective. On rank 0, element r is rank r's text; elsewhere empty.
std::vector<std::string> gather_text(const Context& ctx, const std::string& mine);

/// Collective. On rank 0, every rank's `texts` placed by task id (`ids`,
/// paired with them) into a list of `tasks` strings; elsewhere empty.
std::vector<std::string> gather_texts_by_id(const Context& ctx, const std::vector<std::uint64_t>& ids,
                                            const std::vector<std::string>& texts, std::uint64_t tasks);

/// Every rank's numbers on rank 0: rank r's are values[offsets[r] ..
/// offsets[r] + lengths[r]). Empty on the other ranks.
struct GatheredNumbers {
  std::vector<double> values;
  std::vector<int> offsets;
  std::vector<int> lengths;
};

/// Collective. Ranks may pass different lengths.
GatheredNumbers gather_numbers(const Context& ctx, const std::vector<double>& mine);

/// Collective. Rank `root`'s text, on every rank.
std::string broadcast_text(const Context& ctx, std::string text, int root = 0);

}  // namespace partita::launch
