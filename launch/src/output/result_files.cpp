#include "output/result_files.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

#include "output/atomic_file.hpp"

namespace partita::launch {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

namespace {

// Appends ",field": one helper instead of `line += "," + x`, which also
// trips a false -Wrestrict in GCC 12's std::string (GCC bug 105651).
void add_field(std::string& line, std::string_view field) {
  line += ',';
  line += field;
}

// Shortest text that reads back to the same double: exact and byte-stable.
// Statistics of a point without successes are NaN: an empty CSV field, as
// spreadsheets and pandas read a missing value.
std::string csv_number(double x) { return std::isfinite(x) ? fmt::format("{}", x) : std::string(); }

std::string json_value(const ParamValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return json_string(*s);
  if (const auto* d = std::get_if<double>(&value)) return std::isfinite(*d) ? fmt::format("{}", *d) : "null";
  return to_text(value);
}

// A task's output in JSON: a number as it is, a text quoted, null when the
// task has no result.
std::string json_output(const TaskTable& results, std::uint64_t task, std::size_t o,
                        const std::vector<OutputSpec>& outputs) {
  if (results.done[task] == 0) return "null";
  const std::string field = results.field(task, o, outputs);
  return outputs[o].type == OutputType::text ? json_string(field) : field;
}

void write_results_csv(AtomicFile& file, const JobSpec& job, const TaskSpace& space, const TaskTable& results) {
  const auto& outputs = job.kernel->outputs;
  std::string line = "task";
  for (const auto& name : space.sweep_names()) add_field(line, csv_field(name));
  add_field(line, "repeat");
  for (const auto& output : outputs) add_field(line, csv_field(output.name));
  file.write(line + "\n");
  for (std::uint64_t task = 0; task < space.tasks(); ++task) {
    line = std::to_string(task);
    for (const auto& value : space.sweep_values(space.point_of(task))) add_field(line, csv_field(to_text(value)));
    add_field(line, std::to_string(space.repeat_of(task)));
    for (std::size_t o = 0; o < outputs.size(); ++o) add_field(line, csv_field(results.field(task, o, outputs)));
    file.write(line + "\n");
  }
}

void write_results_jsonl(AtomicFile& file, const JobSpec& job, const TaskSpace& space, const TaskTable& results) {
  const auto& outputs = job.kernel->outputs;
  for (std::uint64_t task = 0; task < space.tasks(); ++task) {
    std::string line = "{\"task\":" + std::to_string(task);
    const auto& swept = space.sweep_values(space.point_of(task));
    for (std::size_t a = 0; a < swept.size(); ++a) {
      add_field(line, json_string(space.sweep_names()[a]) + ":" + json_value(swept[a]));
    }
    line += ",\"repeat\":" + std::to_string(space.repeat_of(task));
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      add_field(line, json_string(outputs[o].name) + ":" + json_output(results, task, o, outputs));
    }
    file.write(line + "}\n");
  }
}

}  // namespace

std::uint64_t point_successes(const TaskSpace& space, const TaskTable& results, std::uint64_t point) {
  std::uint64_t n = 0;
  for (std::uint64_t r = 0; r < space.repeat(); ++r) n += results.done[point * space.repeat() + r];
  return n;
}

Moments point_moments(const TaskSpace& space, const TaskTable& results, std::size_t outputs, std::uint64_t point,
                      std::size_t output) {
  const std::uint64_t first = point * space.repeat();
  const auto done = [&](std::uint64_t r) { return results.done[first + r] != 0; };
  const auto value = [&](std::uint64_t r) { return results.values[(first + r) * outputs + output]; };
  Moments m;
  double sum = 0.0;
  for (std::uint64_t r = 0; r < space.repeat(); ++r) {
    if (!done(r)) continue;
    sum += value(r);
    ++m.n;
  }
  m.mean = m.n > 0 ? sum / static_cast<double>(m.n) : std::nan("");
  if (m.n < 2) {
    m.std_dev = m.std_error = std::nan("");
    return m;
  }
  double squares = 0.0;  // second pass about the mean: no cancellation
  for (std::uint64_t r = 0; r < space.repeat(); ++r) {
    if (!done(r)) continue;
    squares += (value(r) - m.mean) * (value(r) - m.mean);
  }
  m.std_dev = std::sqrt(squares / static_cast<double>(m.n - 1));
  m.std_error = m.std_dev / std::sqrt(static_cast<double>(m.n));
  return m;
}

std::filesystem::path write_results(const std::filesystem::path& dir, const JobSpec& job, const TaskSpace& space,
                                    const TaskTable& results) {
  const bool csv = job.format == OutputFormat::csv;
  const auto path = dir / (csv ? "results.csv" : "results.jsonl");
  AtomicFile file(path);
  if (csv) {
    write_results_csv(file, job, space, results);
  } else {
    write_results_jsonl(file, job, space, results);
  }
  file.commit();
  return path;
}

std::filesystem::path write_summary(const std::filesystem::path& dir, const JobSpec& job, const TaskSpace& space,
                                    const TaskTable& results) {
  const auto path = dir / "summary.csv";
  const auto& outputs = job.kernel->outputs;
  AtomicFile file(path);
  std::string line = "point";
  for (const auto& name : space.sweep_names()) add_field(line, csv_field(name));
  add_field(line, "n");
  for (const auto& output : outputs) {
    if (has_statistics(output.type)) line += fmt::format(",{0}_mean,{0}_std,{0}_stderr", csv_field(output.name));
  }
  file.write(line + "\n");
  for (std::uint64_t point = 0; point < space.points(); ++point) {
    line = std::to_string(point);
    for (const auto& value : space.sweep_values(point)) add_field(line, csv_field(to_text(value)));
    add_field(line, std::to_string(point_successes(space, results, point)));
    for (std::size_t o = 0; o < outputs.size(); ++o) {
      if (!has_statistics(outputs[o].type)) continue;
      const Moments m = point_moments(space, results, outputs.size(), point, o);
      add_field(line, csv_number(m.mean) + "," + csv_number(m.std_dev) + "," + csv_number(m.std_error));
    }
    file.write(line + "\n");
  }
  file.commit();
  return path;
}

std::string fingerprint(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

}  // namespace partita::launch
