#include "journal/run_files.hpp"

#include <fmt/format.h>

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "command/task_log.hpp"
#include "journal/job_journal.hpp"
#include "journal/point_table.hpp"
#include "output/atomic_file.hpp"
#include "spec/spec_error.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

std::string first_bytes(const fs::path& path, std::size_t count) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(count, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(count));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

// A journal begins with its magic; one cut short while being created holds
// a prefix of it (or nothing).
bool is_journal_file(const fs::path& path) {
  constexpr std::string_view magic{"PARTITA-JOURNAL\n"};
  const std::string head = first_bytes(path, magic.size());
  return magic.starts_with(head);
}

// What Partita writes at the top of each of its files in DIR, by name.
struct OwnFile {
  std::string_view name;
  std::string_view starts_with;
};
constexpr OwnFile own_files[] = {
    {"results.csv", "task"},  {"results.jsonl", "{\"task\":"}, {"summary.csv", "point"},
    {"failures.csv", "task"}, {"report.json", "{\n  \"partita_version\""},
};

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
  throw SpecError(path.string(), 0,
                  fmt::format("{}: --restart deletes only the files Partita wrote, so it stops here and deletes "
                              "nothing. Move it away, or run elsewhere with --out DIR",
                              why));
}

void check_regular(const fs::path& path) {
  const auto status = fs::symlink_status(path);
  if (fs::is_symlink(status)) refuse(path, "a symbolic link, not a file Partita wrote");
  if (!fs::is_regular_file(status)) refuse(path, "not a regular file, so not one Partita wrote");
}

// Adds every file of `dir` (a folder Partita made, if it exists) to
// `doomed`, refusing the lot if one is not `ours` by name and first bytes.
template <class Ours>
void add_own_folder(const fs::path& dir, const char* what, Ours&& ours, std::vector<fs::path>& doomed) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return;
  if (!fs::is_directory(fs::symlink_status(dir))) refuse(dir, fmt::format("not a directory, so not Partita's {}", what));
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& path = entry.path();
    check_regular(path);
    if (!ours(path, path.filename().string())) refuse(path, fmt::format("not one of the {} Partita wrote", what));
    doomed.push_back(path);
  }
}
}  // namespace

void discard_earlier_run(const fs::path& output_dir) {
  std::vector<fs::path> doomed;
  const fs::path journal = journal_dir(output_dir);
  add_own_folder(journal, "journal files and point tables", [&](const fs::path& path, const std::string& name) {
    const bool table = name == point_table_path(journal).filename().string() || name == "points.tmp";
    return table ? first_bytes(path, 19) == "partita point table" : name.ends_with(".journal") && is_journal_file(path);
  }, doomed);
  // Command jobs' rank logs: frames from the first byte (or empty, if the
  // rank died before its first frame).
  add_own_folder(task_log_dir(output_dir), "task logs", [](const fs::path& path, const std::string& name) {
    const std::string head = first_bytes(path, 4);
    return name.starts_with("rank-") && name.ends_with(".log") && (head.empty() || head == "PLG1");
  }, doomed);
  std::error_code ec;
  for (const auto& own : own_files) {
    const fs::path path = output_dir / own.name;
    if (!fs::exists(fs::symlink_status(path, ec))) continue;
    check_regular(path);
    if (!first_bytes(path, own.starts_with.size()).starts_with(own.starts_with)) {
      refuse(path, fmt::format("does not begin as the {} Partita writes", own.name));
    }
    doomed.push_back(path);
  }
  for (const auto& path : doomed) {
    if (!fs::remove(path, ec) && ec) throw IoError(fmt::format("{}: cannot delete it: {}", path.string(), ec.message()));
  }
}

bool report_says_complete(const fs::path& output_dir) {
  std::ifstream in(output_dir / "report.json");
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"complete\": true,") != std::string::npos) return true;
    if (line.find("\"complete\": false,") != std::string::npos) return false;
  }
  return false;
}

}  // namespace partita::launch
