#include "output/run_report.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>

#include "output/atomic_file.hpp"
#include "partita/version.hpp"
#include "run/rank_messages.hpp"
#include "output/result_files.hpp"

namespace partita::launch {

int RunReport::max_threads() const {
  int threads = 0;
  for (const auto& r : ranks) threads = std::max(threads, r.threads);
  return threads;
}

std::uint64_t RunReport::workers() const {
  std::uint64_t workers = 0;
  for (const auto& r : ranks) workers += r.work.threads.size();
  return workers;
}

double RunReport::imbalance() const {
  double most = 0.0, total = 0.0;
  for (const auto& r : ranks) {
    for (const auto& t : r.work.threads) {
      most = std::max(most, t.busy_seconds);
      total += t.busy_seconds;
    }
  }
  return total > 0.0 ? most / (total / static_cast<double>(workers())) : 1.0;
}

double RunReport::efficiency() const {
  double busy = 0.0;
  for (const auto& r : ranks) busy += r.work.busy_seconds();
  const double capacity = wall_seconds * static_cast<double>(workers());
  return capacity > 0.0 ? busy / capacity : 0.0;
}

namespace {

// Per rank, as doubles: node rank, threads, wall, min chunk, max chunk, peak
// RSS, then four values per worker (tasks, chunks, busy, idle). Counts stay
// exact below 2^53.
constexpr int rank_fields = 6;

// The process's peak resident set so far (Linux reports KiB).
double peak_rss_mib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}
constexpr int thread_fields = 4;

std::vector<double> pack(const Context& ctx, const WorkStats& stats) {
  std::vector<double> v = {static_cast<double>(ctx.node_rank()), static_cast<double>(ctx.threads()),
                           stats.wall_seconds, static_cast<double>(stats.min_chunk),
                           static_cast<double>(stats.max_chunk), peak_rss_mib()};
  for (const auto& t : stats.threads) {
    v.insert(v.end(), {static_cast<double>(t.tasks), static_cast<double>(t.chunks), t.busy_seconds, t.idle_seconds});
  }
  return v;
}

RankReport unpack(int rank, const double* v, int length) {
  RankReport report{rank, static_cast<int>(v[0]), static_cast<int>(v[1]), {}};
  report.work.wall_seconds = v[2];
  report.work.min_chunk = static_cast<std::uint64_t>(v[3]);
  report.work.max_chunk = static_cast<std::uint64_t>(v[4]);
  report.peak_rss_mib = v[5];
  for (int k = rank_fields; k + thread_fields <= length; k += thread_fields) {
    report.work.threads.push_back(
        {static_cast<std::uint64_t>(v[k]), static_cast<std::uint64_t>(v[k + 1]), v[k + 2], v[k + 3]});
  }
  return report;
}

}  // namespace

std::vector<RankReport> gather_rank_reports(const Context& ctx, const WorkStats& stats) {
  const GatheredNumbers all = gather_numbers(ctx, pack(ctx, stats));
  std::vector<RankReport> reports;
  for (std::size_t r = 0; r < all.lengths.size(); ++r) {
    reports.push_back(unpack(static_cast<int>(r), all.values.data() + all.offsets[r], all.lengths[r]));
  }
  return reports;
}

std::filesystem::path write_report(const std::filesystem::path& dir, const JobSpec& job, const TaskSpace& space,
                                   const RunReport& report) {
  const auto path = dir / "report.json";
  std::uint64_t min_chunk = UINT64_MAX, max_chunk = 0;
  for (const auto& r : report.ranks) {
    if (r.work.max_chunk == 0) continue;  // a rank that received nothing
    min_chunk = std::min(min_chunk, r.work.min_chunk);
    max_chunk = std::max(max_chunk, r.work.max_chunk);
  }
  if (max_chunk == 0) min_chunk = 0;

  std::string text = "{\n";
  text += fmt::format("  \"partita_version\": {},\n", json_string(version_string));
  text += fmt::format("  \"job\": {},\n  \"job_file\": {},\n", json_string(job.name), json_string(job.file));
  text += fmt::format("  \"job_hash\": {},\n  \"kernel\": {},\n", json_string(report.job_hash),
                      json_string(job.kernel->name));
  text += fmt::format("  \"tasks\": {},\n  \"points\": {},\n  \"repeat\": {},\n", space.tasks(), space.points(),
                      space.repeat());
  text += fmt::format("  \"complete\": {},\n  \"done\": {},\n  \"failed\": {},\n  \"remaining\": {},\n",
                      report.ran == space.tasks(), report.ran - report.failed, report.failed,
                      space.tasks() - report.ran);
  text += fmt::format("  \"schedule\": {},\n  \"longest_first\": {},\n", json_string(report.schedule),
                      report.longest_first);
  text += fmt::format("  \"spread_over_ranks\": {},\n", report.spread);
  if (!report.spread) {
    text += "  \"note\": \"auto measured the whole loop at under 5 ms of work: too small to gain from other ranks, "
            "so rank 0 ran it\",\n";
  }
  text += fmt::format("  \"chunk_sizes\": {{\"min\": {}, \"max\": {}}},\n", min_chunk, max_chunk);
  text += fmt::format("  \"ranks\": {},\n  \"threads_per_rank\": {},\n  \"threads_per_task\": {},\n"
                      "  \"workers\": {},\n",
                      report.ranks.size(), report.max_threads(), report.threads_per_task,
                      report.workers());
  text += fmt::format("  \"wall_seconds\": {:.6f},\n  \"imbalance\": {:.4f},\n  \"parallel_efficiency\": {:.4f},\n",
                      report.wall_seconds, report.imbalance(), report.efficiency());
  text += "  \"per_rank\": [\n";
  for (std::size_t i = 0; i < report.ranks.size(); ++i) {
    const RankReport& r = report.ranks[i];
    text += fmt::format(
        "    {{\"rank\": {}, \"node_rank\": {}, \"threads\": {}, \"workers\": {}, \"tasks\": {}, \"chunks\": {}, "
        "\"busy_seconds\": {:.6f}, \"idle_seconds\": {:.6f}, \"wall_seconds\": {:.6f}, \"peak_rss_mib\": {:.1f},\n"
        "     \"per_thread\": [",
        r.rank, r.node_rank, r.threads, r.work.threads.size(), r.work.tasks(), r.work.chunks(), r.work.busy_seconds(),
        r.work.idle_seconds(), r.work.wall_seconds, r.peak_rss_mib);
    for (std::size_t t = 0; t < r.work.threads.size(); ++t) {
      const ThreadStats& s = r.work.threads[t];
      text += fmt::format("{}{{\"thread\": {}, \"tasks\": {}, \"chunks\": {}, \"busy_seconds\": {:.6f}, "
                          "\"idle_seconds\": {:.6f}}}",
                          t == 0 ? "" : ", ", t, s.tasks, s.chunks, s.busy_seconds, s.idle_seconds);
    }
    text += fmt::format("]}}{}\n", i + 1 < report.ranks.size() ? "," : "");
  }
  text += "  ]\n}\n";
  AtomicFile file(path);
  file.write(text);
  file.commit();
  return path;
}

}  // namespace partita::launch
