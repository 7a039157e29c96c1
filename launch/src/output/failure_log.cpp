#include "output/failure_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "output/atomic_file.hpp"
#include "run/rank_messages.hpp"
#include "output/result_files.hpp"

namespace partita::launch {

namespace {

// One failure per line, tab-separated; tabs and newlines in a message
// become spaces so the line structure survives the trip to rank 0.
std::string encode(const RankResults& results) {
  std::string text;
  for (const auto& worker : results.failures) {
    for (const auto& f : worker) {
      std::string message = f.message;
      std::replace_if(message.begin(), message.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; },
                      ' ');
      text += fmt::format("{}\t{}\t{}\t{}\t{}\n", f.task, f.attempts, f.crashes, f.quarantined ? 1 : 0, message);
    }
  }
  return text;
}

void decode(const std::string& text, std::vector<TaskFailure>& into) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    TaskFailure f;
    int quarantined = 0;
    fields >> f.task >> f.attempts >> f.crashes >> quarantined;
    fields.get();  // the tab before the message
    std::getline(fields, f.message);
    f.quarantined = quarantined != 0;
    into.push_back(std::move(f));
  }
}

}  // namespace

std::vector<TaskFailure> gather_failures(const Context& ctx, const RankResults& results) {
  std::vector<TaskFailure> all;
  for (const auto& text : gather_text(ctx, encode(results))) decode(text, all);
  std::sort(all.begin(), all.end(), [](const TaskFailure& a, const TaskFailure& b) { return a.task < b.task; });
  return all;
}

void write_failures(const std::filesystem::path& dir, const TaskSpace& space,
                    const std::vector<TaskFailure>& failures) {
  const auto path = dir / "failures.csv";
  if (failures.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return;
  }
  AtomicFile file(path);
  // Appends ",field" piecewise: `"," + text` trips GCC 12's false -Wrestrict.
  const auto add = [](std::string& line, const std::string& field) {
    line += ',';
    line += field;
  };
  std::string header = "task";
  for (const auto& name : space.sweep_names()) add(header, csv_field(name));
  file.write(header + ",repeat,attempts,crashes,quarantined,message\n");
  for (const auto& f : failures) {
    std::string line = std::to_string(f.task);
    for (const auto& value : space.sweep_values(space.point_of(f.task))) add(line, csv_field(to_text(value)));
    add(line, std::to_string(space.repeat_of(f.task)));
    add(line, std::to_string(f.attempts));
    add(line, std::to_string(f.crashes));
    add(line, f.quarantined ? "yes" : "no");
    add(line, csv_field(f.message));
    line += '\n';
    file.write(line);
  }
  file.commit();
}

}  // namespace partita::launch
