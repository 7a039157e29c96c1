// What rank 0 shows while a job runs: on a terminal a live line with
// done/total, rate and ETA; in a batch log a plain line every interval; with
// --progress json, JSON-lines events (start, progress, finish) on stdout.
#pragma once

#include <cstdint>
#include <string>

#include "partita/progress.hpp"

namespace partita::launch {

enum class ProgressMode { automatic, text, json, none };

class ProgressPrinter {
 public:
  /// interval_seconds <= 0: 1 s on a terminal, 10 s in a log. Only rank 0
  /// prints (`printing`); quiet turns text off, never JSON.
  ProgressPrinter(ProgressMode mode, double interval_seconds, bool printing, bool quiet);

  /// The loop's progress hook (empty when nothing is printed).
  ProgressOptions options();
  void start(const std::string& job, std::uint64_t tasks, int ranks, int threads);
  void finish(std::uint64_t tasks, double wall_seconds, const std::string& results_path);
  bool json() const noexcept { return json_; }

 private:
  void report(const Progress& progress);

  bool json_ = false;
  bool text_ = false;
  bool live_ = false;  ///< redraw one line (a terminal) rather than print lines
  double interval_ = 1.0;
};

}  // namespace partita::launch
