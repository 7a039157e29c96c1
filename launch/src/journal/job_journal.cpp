#include "journal/job_journal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "partita/journal.hpp"
#include "partita/version.hpp"
#include "journal/point_table.hpp"
#include "output/result_files.hpp"
#include "spec/spec_error.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> identity_fields(const std::string& identity) {
  std::map<std::string, std::string> fields;
  std::istringstream lines(identity);
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return fields;
}

// "seed (journal 42, job 43), points" for the refusal message.
std::string what_changed(const std::string& journal, const std::string& job) {
  const auto old_fields = identity_fields(journal);
  const auto new_fields = identity_fields(job);
  std::string changes;
  for (const auto& [key, value] : new_fields) {
    const auto it = old_fields.find(key);
    const std::string before = it == old_fields.end() ? "absent" : it->second;
    if (before == value) continue;
    if (!changes.empty()) changes += ", ";
    changes += fmt::format("{} (journal {}, now {})", key, before, value);
  }
  return changes.empty() ? "its identity" : changes;
}

std::uint32_t run_of(const fs::path& file) {
  // rank-R.run-K.journal
  const std::string name = file.filename().string();
  const auto at = name.find(".run-");
  return at == std::string::npos ? 0 : static_cast<std::uint32_t>(std::stoul(name.substr(at + 5)));
}

}  // namespace

fs::path journal_dir(const fs::path& output_dir) { return output_dir / "journal"; }

std::string job_identity(const JobSpec& job) {
  std::string outputs;
  for (const auto& o : job.kernel->outputs) outputs += (outputs.empty() ? "" : ",") + o.name;
  // The points are not part of it: the point table (point_table.hpp)
  // matches them, so that a sweep may grow between runs.
  return fmt::format("kernel={}\nseed={}\nrepeat={}\noutputs={}\nversion={}\n", job.kernel->name, job.seed,
                     job.repeat, outputs, version_string);
}

JournalState load_journal(const fs::path& dir, const std::string& identity, std::uint64_t tasks,
                          std::size_t outputs) {
  JournalState state;
  state.done.assign(tasks, 0);
  state.values.assign(tasks * outputs, std::nan(""));
  state.crashes.assign(tasks, 0);
  std::map<std::uint64_t, TaskFailure> failed;
  auto files = journal_files(dir);
  // Older runs first, so a later run's record of a task wins.
  std::stable_sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) { return run_of(a) < run_of(b); });
  for (const auto& file : files) {
    state.next_run = std::max(state.next_run, run_of(file) + 1);
    const JournalContents contents = read_journal(file);
    state.torn_files += contents.torn ? 1 : 0;
    if (!contents.has_header) continue;  // died while being created: holds nothing
    if (contents.header.job_identity != identity) {
      throw SpecError(file.string(), 0,
                      fmt::format("this journal belongs to another job: {} changed. Pass --restart to discard "
                                  "it (and its results), or --out to run elsewhere",
                                  what_changed(contents.header.job_identity, identity)));
    }
    for (const auto& record : contents.records) {
      if (record.task >= tasks) continue;
      if (record.kind == JournalRecordKind::result && record.values.size() == outputs) {
        state.done[record.task] = 1;
        std::copy(record.values.begin(), record.values.end(), state.values.begin() + record.task * outputs);
        failed.erase(record.task);
      } else if (record.kind == JournalRecordKind::crash) {
        state.crashes[record.task] = static_cast<std::uint8_t>(std::min(255, state.crashes[record.task] + 1));
      } else if (record.kind == JournalRecordKind::failure && state.done[record.task] == 0) {
        failed[record.task] = {record.task, record.attempt, record.message};
      }
    }
  }
  for (auto& [task, failure] : failed) {
    failure.crashes = state.crashes[task];
    state.failures.push_back(std::move(failure));
  }
  return state;
}

JournalSummary summarize_journal(const fs::path& dir) {
  JournalSummary summary;
  std::map<std::uint64_t, bool> seen;  // task -> succeeded
  std::map<std::uint64_t, int> results;  // task -> result records
  std::set<std::uint64_t> crashed;
  for (const auto& file : journal_files(dir)) {
    ++summary.files;
    summary.runs = std::max(summary.runs, run_of(file) + 1);
    const JournalContents contents = read_journal(file);
    summary.torn_files += contents.torn ? 1 : 0;
    if (!contents.has_header) continue;
    summary.identity = contents.header.job_identity;
    for (const auto& record : contents.records) {
      if (record.kind == JournalRecordKind::crash) {
        crashed.insert(record.task);
        continue;
      }
      bool& ok = seen[record.task];
      ok = ok || record.kind == JournalRecordKind::result;
      if (record.kind == JournalRecordKind::result) ++results[record.task];
    }
  }
  const auto fields = identity_fields(summary.identity);
  const auto table = read_point_table(dir);
  const auto repeat = fields.find("repeat");
  if (table && repeat != fields.end()) summary.tasks = table->size() * std::stoull(repeat->second);
  for (const auto& [task, count] : results) summary.duplicated += count > 1 ? 1 : 0;
  summary.crashed = crashed.size();
  for (const auto& [task, ok] : seen) {
    summary.done += ok ? 1 : 0;
    summary.failed += ok ? 0 : 1;
  }
  return summary;
}

}  // namespace partita::launch
