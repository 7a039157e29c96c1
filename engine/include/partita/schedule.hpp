// How the task ids of a loop are handed to ranks and threads. The schedule
// decides only who runs what, and when; it never changes a task's result.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "partita/partition.hpp"

namespace partita {

struct Schedule {
  enum class Kind {
    static_block,  ///< contiguous blocks per rank, then per thread; no messages
    cyclic,        ///< round robin per rank, then per thread; no messages
    dynamic,       ///< chunks of `chunk` ids, handed out as workers ask for them
    guided,        ///< chunks shrinking with the work left (remaining / 2 workers)
    automatic,     ///< chunks sized from measured task cost: dispatch under 1% of compute
  };
  Kind kind = Kind::static_block;
  std::uint64_t chunk = 0;  ///< dynamic only: ids per chunk (0 means 1)

  bool is_static() const noexcept { return kind == Kind::static_block || kind == Kind::cyclic; }
  Partition partition() const noexcept { return kind == Kind::cyclic ? Partition::cyclic : Partition::block; }

  /// "static", "cyclic", "dynamic", "dynamic:16", "guided" or "auto"; throws
  /// partita::InvalidArgument naming the allowed forms otherwise.
  static Schedule parse(std::string_view text);
  /// The form parse() reads back ("dynamic:16").
  std::string name() const;
};

}  // namespace partita
