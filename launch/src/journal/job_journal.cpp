#include "journal/job_journal.hpp"

#include "command/command_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
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

// "rank-R.run-K.journal" -> K. Anything else in the journal directory was
// not written by Partita and is refused, not guessed at.
std::uint32_t run_of(const fs::path& file) {
  const std::string name = file.filename().string();
  const auto digits = [&name](std::size_t from, std::size_t to) {
    if (from >= to || to - from > 9) return false;
    for (std::size_t i = from; i < to; ++i) {
      if (name[i] < '0' || name[i] > '9') return false;
    }
    return true;
  };
  const std::string_view suffix = ".journal";
  const auto run = name.find(".run-");
  if (name.starts_with("rank-") && run != std::string::npos && name.ends_with(suffix) && digits(5, run) &&
      digits(run + 5, name.size() - suffix.size())) {
    return static_cast<std::uint32_t>(std::stoul(name.substr(run + 5)));
  }
  throw SpecError(file.string(), 0,
                  "not a journal file Partita wrote (they are named rank-R.run-K.journal): move it out of the "
                  "journal directory, or pass --restart to discard the journal");
}

// The journal's points field: "N:DIGEST", the first N points' digest.
std::string points_field(const std::vector<std::string>& fingerprints_by_id) {
  return fmt::format("{}:{}", fingerprints_by_id.size(), points_digest(fingerprints_by_id, fingerprints_by_id.size()));
}

// A journal written when the sweep had N points must have been written for
// exactly the parameters of this job's points 0..N-1 (a sweep only grows).
bool same_points(const std::string& field, const std::vector<std::string>& fingerprints_by_id) {
  const auto colon = field.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 19) return false;
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (field[i] < '0' || field[i] > '9') return false;
    count = count * 10 + static_cast<std::uint64_t>(field[i] - '0');
  }
  return count <= fingerprints_by_id.size() &&
         field.substr(colon + 1) == points_digest(fingerprints_by_id, static_cast<std::size_t>(count));
}

// What a journal file's identity and this job's may differ in: the points
// (a sweep grows; checked apart), the note a run resumed with a changed
// program leaves, and, when the user allows it, the program.
constexpr const char* program_key = "program";
constexpr const char* note_key = "note";

// Every field but those must be equal; the points must be a prefix of this
// job's (by id). Throws SpecError naming the file and what differs. A
// program that alone changed is returned (its digest in the file), for the
// caller to allow or refuse.
std::optional<std::string> check_identity(const fs::path& file, const std::string& journal, const std::string& job,
                                          const std::vector<std::string>& fingerprints_by_id) {
  auto old_fields = identity_fields(journal);
  auto new_fields = identity_fields(job);
  const std::string old_points = old_fields["points"];
  for (auto* fields : {&old_fields, &new_fields}) {
    fields->erase("points");
    fields->erase(note_key);
  }
  std::string changes;
  std::optional<std::string> program_before;
  for (const auto& [key, value] : new_fields) {
    const auto it = old_fields.find(key);
    const std::string before = it == old_fields.end() ? "absent" : it->second;
    if (before == value) continue;
    if (key == program_key && it != old_fields.end()) {
      program_before = before;
      continue;
    }
    if (!changes.empty()) changes += ", ";
    changes += fmt::format("{} (journal {}, now {})", key, before, value);
  }
  if (!changes.empty() || old_fields.size() != new_fields.size()) {
    throw SpecError(file.string(), 0,
                    fmt::format("this journal belongs to another job: {} changed. Pass --restart to discard "
                                "it (and its results), or --out to run elsewhere",
                                changes.empty() ? "its identity" : changes));
  }
  if (!same_points(old_points, fingerprints_by_id)) {
    throw SpecError(file.string(), 0,
                    fmt::format("this journal was written for other parameters than this job's sweep points "
                                "(journal points {}, the job's first points do not match): it was copied from "
                                "another job, or the job's parameters or point table changed. Pass --restart to "
                                "discard it (and its results), or --out to run elsewhere",
                                old_points.empty() ? "absent" : old_points));
  }
  return program_before;
}

// The programs a run resumed with --allow-changed-program accepted, from
// its note ("...accepted program D1,D2").
void add_accepted_programs(const std::string& identity, std::set<std::string>& accepted) {
  const auto fields = identity_fields(identity);
  const auto note = fields.find(note_key);
  if (note == fields.end()) return;
  const std::string marker = "accepted program ";
  const auto at = note->second.find(marker);
  if (at == std::string::npos) return;
  std::istringstream digests(note->second.substr(at + marker.size()));
  std::string digest;
  while (std::getline(digests, digest, ',')) accepted.insert(digest);
}

}  // namespace

fs::path journal_dir(const fs::path& output_dir) { return output_dir / "journal"; }

std::string job_identity(const JobSpec& job) {
  std::string outputs;
  for (const auto& o : job.kernel->outputs) {
    outputs += (outputs.empty() ? "" : ",") + o.name;
    if (o.type != OutputType::number) outputs += std::string(":") + type_name(o.type);
  }
  std::string identity = fmt::format("kernel={}\nseed={}\nrepeat={}\noutputs={}\nversion={}\n", job.kernel->name,
                                     job.seed, job.repeat, outputs, version_string);
  if (job.command) {
    // What the command is and the bytes of its program: a resume after
    // either changed would mix two programs' results.
    std::string written = job.command->written;
    std::replace(written.begin(), written.end(), '\n', ' ');
    identity += fmt::format("command={}\nprogram={}\n", written, job.command->digest.empty() ? program_digest(*job.command) : job.command->digest);
  }
  return identity;
}

std::string journal_identity(const JobSpec& job, const std::vector<std::string>& fingerprints_by_id) {
  return job_identity(job) + "points=" + points_field(fingerprints_by_id) + "\n";
}

std::string journal_identity(const JobSpec& job, const std::vector<std::string>& fingerprints_by_id,
                             const std::vector<std::string>& accepted_programs) {
  std::string identity = journal_identity(job, fingerprints_by_id);
  if (accepted_programs.empty()) return identity;
  std::string digests;
  for (const auto& digest : accepted_programs) digests += (digests.empty() ? "" : ",") + digest;
  return identity + fmt::format("{}=resumed with --allow-changed-program: results of earlier runs came from "
                                "accepted program {}\n",
                                note_key, digests);
}

JournalState load_journal(const fs::path& dir, const JobSpec& job, const std::vector<std::string>& fingerprints_by_id,
                          std::uint64_t tasks, bool allow_changed_program) {
  const std::string identity = journal_identity(job, fingerprints_by_id);
  const std::size_t outputs = job.kernel->outputs.size();
  JournalState state;
  state.results = TaskTable(tasks, job.kernel->outputs);
  state.crashes.assign(tasks, 0);
  std::map<std::uint64_t, TaskFailure> failed;
  auto files = journal_files(dir);
  // Older runs first, so a later run's record of a task wins.
  std::stable_sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) { return run_of(a) < run_of(b); });
  // Files whose program differs from this job's, checked once every
  // file's note of programs accepted earlier is known.
  std::vector<std::pair<fs::path, std::string>> changed_program;
  std::set<std::string> accepted;
  for (const auto& file : files) {
    state.next_run = std::max(state.next_run, run_of(file) + 1);
    const JournalContents contents = read_journal(file);
    state.torn_files += contents.torn ? 1 : 0;
    if (!contents.has_header) continue;  // died while being created: holds nothing
    if (auto before = check_identity(file, contents.header.job_identity, identity, fingerprints_by_id)) {
      changed_program.emplace_back(file, std::move(*before));
    }
    add_accepted_programs(contents.header.job_identity, accepted);
    for (const auto& record : contents.records) {
      if (record.task >= tasks) continue;
      if (record.kind == JournalRecordKind::result && record.values.size() == outputs) {
        state.results.done[record.task] = 1;
        std::copy(record.values.begin(), record.values.end(), state.results.values.begin() + record.task * outputs);
        if (!state.results.texts.empty()) state.results.texts[record.task] = record.message;
        failed.erase(record.task);
      } else if (record.kind == JournalRecordKind::crash) {
        state.crashes[record.task] = static_cast<std::uint8_t>(std::min(255, state.crashes[record.task] + 1));
      } else if (record.kind == JournalRecordKind::failure && state.results.done[record.task] == 0) {
        failed[record.task] = {record.task, record.attempt, record.message};
      }
    }
  }
  for (auto& [task, failure] : failed) {
    failure.crashes = state.crashes[task];
    state.failures.push_back(std::move(failure));
  }
  for (const auto& [file, before] : changed_program) {
    if (accepted.contains(before)) continue;
    if (!allow_changed_program) {
      std::string programs;
      for (const auto& program : job.command->program_files) programs += (programs.empty() ? "" : ", ") + program;
      throw SpecError(file.string(), 0,
                      fmt::format("the program changed since this journal was written: {} (journal digest {}, now "
                                  "{}). Pass --allow-changed-program to resume anyway (results.csv then mixes both "
                                  "versions' results), --restart to discard the journal, or --out to run elsewhere",
                                  programs.empty() ? "its files" : programs, before, job.command->digest));
    }
    accepted.insert(before);
    state.newly_accepted_programs = true;
  }
  state.accepted_programs.assign(accepted.begin(), accepted.end());
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
