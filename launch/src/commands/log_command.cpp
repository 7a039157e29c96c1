// `partita log DIR TASK`: one command task's stdout and stderr, read back
// from the rank logs (DIR/logs/rank-R.log) whatever rank or run wrote them.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "command/task_log.hpp"
#include "commands/exit_codes.hpp"
#include "commands/subcommand.hpp"
#include "partita/error.hpp"

namespace partita::launch {

namespace {

namespace fs = std::filesystem;

struct LogOptions {
  std::string dir;
  std::uint64_t task = 0;
  bool all = false;
};

// An attempt is named by the run that made it and its number in that run.
using AttemptKey = std::pair<std::uint32_t, std::uint32_t>;

void put(std::FILE* to, std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), to); }

std::vector<fs::path> rank_logs(const fs::path& dir) {
  std::vector<fs::path> logs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("rank-") && name.ends_with(".log")) logs.push_back(entry.path());
  }
  if (ec) throw Error(fmt::format("{}: {}", dir.string(), ec.message()));
  std::sort(logs.begin(), logs.end());
  return logs;
}

int log_command(const LogOptions& options) {
  const fs::path dir = task_log_dir(options.dir);
  try {
    const std::vector<fs::path> logs = fs::is_directory(dir) ? rank_logs(dir) : std::vector<fs::path>{};
    if (logs.empty()) {
      fmt::print(stderr, "partita: error: {}: no task logs here (expected {}/rank-*.log; only command jobs write them)\n",
                 options.dir, dir.string());
      return exit_bad_input;
    }
    // First pass: which attempts the logs hold for this task, and how each ended.
    std::map<AttemptKey, std::string> attempts;
    for (const auto& log : logs) {
      read_task_log(log, [&](const LogFrame& frame) {
        if (frame.task != options.task) return;
        std::string& ended = attempts[{frame.run, frame.attempt}];
        if (frame.stream == LogStream::end) ended = frame.payload;
      });
    }
    if (attempts.empty()) {
      fmt::print(stderr, "partita: error: task {}: no output of it in {} ({} rank logs): it has not run yet, or the "
                         "number is not one of this job's tasks (results.csv's first column)\n",
                 options.task, dir.string(), logs.size());
      return exit_bad_input;
    }
    const AttemptKey latest = attempts.rbegin()->first;
    // Second pass: the bytes, in the order they were read from the task.
    for (const auto& [attempt, ended] : attempts) {
      const AttemptKey key = attempt;  // a structured binding cannot be captured before C++23 (clang)
      if (!options.all && key != latest) continue;
      if (options.all) {
        fmt::print("==> task {}, run {}, attempt {}: {} <==\n", options.task, key.first, key.second,
                   ended.empty() ? "did not end (its rank was stopped)" : ended);
        std::fflush(stdout);
      }
      for (const auto& log : logs) {
        read_task_log(log, [&](const LogFrame& frame) {
          if (frame.task != options.task || AttemptKey{frame.run, frame.attempt} != key) return;
          if (frame.stream == LogStream::out) put(stdout, frame.payload);
          if (frame.stream == LogStream::err) put(options.all ? stdout : stderr, frame.payload);
        });
      }
    }
    std::fflush(stdout);
    return exit_success;
  } catch (const Error& e) {
    fmt::print(stderr, "partita: error: {}\n", e.what());
    return exit_bad_input;
  }
}

}  // namespace

Subcommand add_log_command(CLI::App& partita) {
  auto options = std::make_shared<LogOptions>();
  auto* app = partita.add_subcommand("log", "A command task's stdout and stderr, from the job's rank logs (no MPI)");
  app->add_option("dir", options->dir, "the job's output directory")->required();
  app->add_option("task", options->task, "the task's id (results.csv's first column)")->required();
  app->add_flag("--all", options->all,
                "every attempt of the task, each under a header line, stderr interleaved into stdout; without it, "
                "the latest attempt's stdout to stdout and its stderr to stderr, byte for byte");
  return {app, [options](int*, char***) { return log_command(*options); }};
}

}  // namespace partita::launch
