// Text from every rank collected on rank 0, so the one process that prints
// can name what went wrong on rank 3.
#pragma once

#include <string>
#include <vector>

#include "partita/context.hpp"

namespace partita::launch {

/// Collective. On rank 0, element r is rank r's text; elsewhere empty.
std::vector<std::string> gather_text(const Context& ctx, const std::string& mine);

/// Collective. Rank 0's text, on every rank.
std::string broadcast_text(const Context& ctx, std::string text);

}  // namespace partita::launch
