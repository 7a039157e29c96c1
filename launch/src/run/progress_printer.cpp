#include "run/progress_printer.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "output/result_files.hpp"

namespace partita::launch {

ProgressPrinter::ProgressPrinter(ProgressMode mode, double interval_seconds, bool printing, bool quiet) {
  if (!printing || mode == ProgressMode::none) return;
  json_ = mode == ProgressMode::json;
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  text_ = !json_ && !quiet && (mode == ProgressMode::text || mode == ProgressMode::automatic);
  live_ = text_ && terminal;
  interval_ = interval_seconds > 0.0 ? interval_seconds : (terminal ? 1.0 : 10.0);
}

ProgressOptions ProgressPrinter::options() {
  if (!json_ && !text_) return {};
  return {[this](const Progress& p) { report(p); }, interval_};
}

void ProgressPrinter::start(const std::string& job, std::uint64_t tasks, int ranks, int threads) {
  if (json_) {
    fmt::print("{{\"event\": \"start\", \"job\": {}, \"tasks\": {}, \"ranks\": {}, \"threads_per_rank\": {}}}\n",
               json_string(job), tasks, ranks, threads);
    std::fflush(stdout);
  }
}

void ProgressPrinter::report(const Progress& p) {
  const double rate = p.elapsed_seconds > 0.0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0.0;
  const double eta = rate > 0.0 ? static_cast<double>(p.total - std::min(p.done, p.total)) / rate : -1.0;
  if (json_) {
    fmt::print("{{\"event\": \"progress\", \"done\": {}, \"total\": {}, \"elapsed_seconds\": {:.3f}, "
               "\"tasks_per_second\": {:.3f}, \"eta_seconds\": {}}}\n",
               p.done, p.total, p.elapsed_seconds, rate, eta >= 0.0 ? fmt::format("{:.1f}", eta) : "null");
    std::fflush(stdout);
    return;
  }
  const std::string line =
      fmt::format("progress: {}/{} tasks ({:.0f}%), {:.1f} tasks/s, ETA {}", p.done, p.total,
                  p.total > 0 ? 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total) : 100.0, rate,
                  eta >= 0.0 ? fmt::format("{:.0f} s", eta) : std::string("unknown"));
  if (live_) {
    fmt::print(stderr, "\r{:<78}", line);
  } else {
    fmt::print(stderr, "{}\n", line);
  }
  std::fflush(stderr);
}

void ProgressPrinter::finish(std::uint64_t tasks, double wall_seconds, const std::string& results_path) {
  if (json_) {
    fmt::print("{{\"event\": \"finish\", \"done\": {}, \"total\": {}, \"wall_seconds\": {:.3f}, \"results\": {}}}\n",
               tasks, tasks, wall_seconds, json_string(results_path));
    std::fflush(stdout);
  } else if (live_) {
    fmt::print(stderr, "\r{:<78}\r", "");  // clear the live line before the summary
  }
}

}  // namespace partita::launch
