#include "output/run_summary.hpp"

#include <fmt/format.h>

#include <cmath>

#include "command/command_spec.hpp"

namespace partita::launch {

namespace {

// Points beyond this are in summary.csv; a terminal shows the first ones.
constexpr std::uint64_t max_points_shown = 20;

std::string with_error(const Moments& m) {
  if (std::isnan(m.std_error)) return fmt::format("{:.8g}", m.mean);
  return fmt::format("{:.8g} ± {:.2g}", m.mean, m.std_error);
}

}  // namespace

void print_summary(const JobSpec& job, const TaskSpace& space, const TaskTable& results,
                   const RunReport& report, const RunSummary& files) {
  const int threads = report.max_threads();
  // A command job is named by its program, as the user wrote it.
  std::string what = "kernel " + job.kernel->name;
  if (job.command) {
    const std::string& written = job.command->written;
    what = "command " + (written.size() > 60 ? written.substr(0, 57) + "..." : written);
  }
  fmt::print("{}: {}, {} tasks ({} points x {} repeats), {} schedule, {} rank(s) x {} thread(s), {:.3f} s\n",
             job.name, what, space.tasks(), space.points(), space.repeat(), report.schedule, report.ranks.size(),
             threads, report.wall_seconds);

  const std::size_t outputs = job.kernel->outputs.size();
  std::string header = "  ";
  for (const auto& name : space.sweep_names()) header += fmt::format("{:>12} ", name);
  for (const auto& output : job.kernel->outputs) {
    if (has_statistics(output.type)) header += fmt::format("{:>26} ", output.name + " (mean)");
  }
  fmt::print("{}\n", header);
  for (std::uint64_t point = 0; point < std::min(space.points(), max_points_shown); ++point) {
    std::string line = "  ";
    for (const auto& value : space.sweep_values(point)) line += fmt::format("{:>12} ", to_text(value));
    for (std::size_t o = 0; o < outputs; ++o) {
      if (!has_statistics(job.kernel->outputs[o].type)) continue;
      line += fmt::format("{:>26} ", with_error(point_moments(space, results, outputs, point, o)));
    }
    fmt::print("{}\n", line);
  }
  if (space.points() > max_points_shown) {
    fmt::print("  ... {} more points in summary.csv\n", space.points() - max_points_shown);
  }
  if (!report.spread) {
    fmt::print("auto: the whole job is under 5 ms of work, too small to gain from other ranks: rank 0 ran it\n");
  }
  fmt::print("balance: {} workers, imbalance {:.2f} (busiest / mean), parallel efficiency {:.2f}\n",
             report.workers(), report.imbalance(), report.efficiency());
  fmt::print("files: {}\n       {}\n       {}\n", files.results.string(), files.summary.string(),
             files.report.string());
}

}  // namespace partita::launch
