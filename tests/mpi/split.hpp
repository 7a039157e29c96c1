// Ways to spread one global vector over the ranks, for tests that check a
// result does not depend on who holds which values.
#pragma once

#include <cstddef>
#include <vector>

namespace partita::testing {

enum class Split {
  even,       ///< contiguous, equal shares
  uneven,     ///< contiguous, rank r holds a share proportional to r + 1
  last_rank,  ///< everything on the last rank, the others hold nothing
  strided,    ///< rank r holds values r, r + size, r + 2 size, ...: not contiguous
};

inline const char* name(Split split) {
  switch (split) {
    case Split::even: return "even";
    case Split::uneven: return "uneven";
    case Split::last_rank: return "last_rank";
    default: return "strided";
  }
}

/// The values of `all` that `rank` of `size` holds under `split`.
inline std::vector<double> my_part(const std::vector<double>& all, Split split, int rank, int size) {
  const std::size_t n = all.size();
  const auto r = static_cast<std::size_t>(rank);
  const auto p = static_cast<std::size_t>(size);
  std::size_t first = 0;
  std::size_t last = 0;
  switch (split) {
    case Split::even:
      first = n * r / p;
      last = n * (r + 1) / p;
      break;
    case Split::uneven:  // rank r's share: (r + 1) / (p (p + 1) / 2)
      first = n * (r * (r + 1) / 2) / (p * (p + 1) / 2);
      last = n * ((r + 1) * (r + 2) / 2) / (p * (p + 1) / 2);
      break;
    case Split::last_rank:
      first = r + 1 == p ? 0 : n;
      last = n;
      break;
    case Split::strided: {
      std::vector<double> mine;
      for (std::size_t i = r; i < n; i += p) mine.push_back(all[i]);
      return mine;
    }
  }
  return {all.begin() + static_cast<std::ptrdiff_t>(first), all.begin() + static_cast<std::ptrdiff_t>(last)};
}

}  // namespace partita::testing
