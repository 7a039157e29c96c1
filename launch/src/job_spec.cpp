#include "job_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml.hpp>

#include "spec_error.hpp"
#include "suggest.hpp"
#include "task_space.hpp"

namespace partita::launch {

namespace {

const std::vector<std::string> top_level_keys = {"name",  "kernel", "seed",   "repeat",
                                                 "params", "sweep", "output", "schedule", "threads_per_task",
                                                 "retries", "max_failures"};
const std::vector<std::string> schedule_keys = {"kind", "chunk"};
const std::vector<std::string> output_keys = {"dir", "format"};
constexpr std::uint64_t max_tasks = std::uint64_t{1} << 32;
// Far above any real job spec; see check_text().
constexpr std::size_t max_spec_bytes = std::size_t{16} << 20;
constexpr int max_nesting = 64;
constexpr int max_key_parts = 64;

// Reads values out of the parsed document and turns every broken rule into
// a SpecError that names this file and the value's line.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const toml::value& where, const std::string& message) const {
    throw SpecError(file_, where.location().line(), message);
  }
  [[noreturn]] void fail(const std::string& message) const { throw SpecError(file_, 0, message); }

  // What a user wrote, as they would recognise it in a message.
  static std::string shown(const toml::value& v) {
    if (v.is_string()) return "\"" + v.as_string().str + "\"";
    if (v.is_integer()) return std::to_string(v.as_integer());
    if (v.is_floating()) return fmt::format("{}", v.as_floating());
    if (v.is_boolean()) return v.as_boolean() ? "true" : "false";
    if (v.is_array()) return "[...]";
    if (v.is_table()) return "{...}";
    return "a date/time";
  }

  static const char* kind(const toml::value& v) {
    if (v.is_string()) return "a string";
    if (v.is_integer()) return "an integer";
    if (v.is_floating()) return "a real";
    if (v.is_boolean()) return "a boolean";
    if (v.is_array()) return "a list";
    if (v.is_table()) return "a table";
    return "a date/time";
  }

  void reject_unknown(const toml::table& table, const std::string& prefix,
                      const std::vector<std::string>& allowed) const {
    for (const auto& [key, value] : table) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(value, fmt::format("unknown key '{}{}': {}", prefix, key, suggestion(key, allowed)));
      }
    }
  }

  std::string string(const toml::value& v, const std::string& key) const {
    if (!v.is_string()) fail(v, fmt::format("{} = {}: must be a string (got {})", key, shown(v), kind(v)));
    return v.as_string().str;
  }

  std::int64_t integer(const toml::value& v, const std::string& key, std::int64_t lo, std::int64_t hi) const {
    if (!v.is_integer() || v.as_integer() < lo || v.as_integer() > hi) {
      fail(v, fmt::format("{} = {}: must be an integer in [{}, {}]", key, shown(v), lo, hi));
    }
    return v.as_integer();
  }

  const toml::table& table(const toml::value& v, const std::string& key) const {
    if (!v.is_table()) fail(v, fmt::format("'{}' must be a table [{}] (got {})", key, key, kind(v)));
    return v.as_table();
  }

  // A kernel parameter's value, checked against its declared type and range.
  ParamValue param(const toml::value& v, const ParamSpec& spec, const std::string& key) const {
    const std::string rule = allowed_text(spec);
    switch (spec.type) {
      case ParamType::integer: {
        if (!v.is_integer()) fail(v, fmt::format("{} = {}: must be {} (got {})", key, shown(v), rule, kind(v)));
        if (static_cast<double>(v.as_integer()) < spec.min || static_cast<double>(v.as_integer()) > spec.max) {
          fail(v, fmt::format("{} = {}: must be {}", key, shown(v), rule));
        }
        return std::int64_t{v.as_integer()};
      }
      case ParamType::real: {
        double x = 0.0;
        if (v.is_floating()) {
          x = v.as_floating();
        } else if (v.is_integer()) {
          x = static_cast<double>(v.as_integer());
        } else {
          fail(v, fmt::format("{} = {}: must be {} (got {})", key, shown(v), rule, kind(v)));
        }
        if (!std::isfinite(x) || x < spec.min || x > spec.max) {
          fail(v, fmt::format("{} = {}: must be {}", key, shown(v), rule));
        }
        return x;
      }
      case ParamType::choice: {
        if (!v.is_string()) fail(v, fmt::format("{} = {}: must be {} (got {})", key, shown(v), rule, kind(v)));
        const std::string& s = v.as_string().str;
        if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
          fail(v, fmt::format("{} = {}: {}", key, shown(v), suggestion(s, spec.choices)));
        }
        return s;
      }
    }
    fail(v, "unreachable parameter type");
  }

  const ParamSpec& param_spec(const KernelInfo& kernel, const std::string& section, const std::string& name,
                              const toml::value& where) const {
    const ParamSpec* spec = kernel.find_param(name);
    if (spec == nullptr) {
      fail(where, fmt::format("unknown key '{}.{}': kernel '{}' has no parameter '{}'; {}", section, name,
                              kernel.name, name, suggestion(name, kernel.param_names())));
    }
    return *spec;
  }

 private:
  std::string file_;
};

// toml11 formats a syntax error over several lines; keep its first line's
// reason and the hint under the caret, so the message stays one line.
std::string one_line_syntax_error(const toml::syntax_error& e) {
  const std::string text = e.what();
  std::string reason = text.substr(0, text.find('\n'));
  if (const auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
  if (const auto caret = text.find("^"); caret != std::string::npos) {
    auto hint = text.substr(caret);
    hint = hint.substr(hint.find_first_not_of("^-~ "));
    hint = hint.substr(0, hint.find('\n'));
    if (!hint.empty()) reason += " (" + hint + ")";
  }
  return "malformed TOML: " + reason;
}

// The line of text[at], counting from 1, for a message about the raw bytes.
unsigned line_at(const std::string& text, std::size_t at) {
  return 1 + static_cast<unsigned>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// Length of the valid UTF-8 sequence at text[at], or 0 if it is not one
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_length(const std::string& text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0u; };
  const auto tail = [&](std::size_t i, unsigned lo, unsigned hi) { return byte(i) >= lo && byte(i) <= hi; };
  const unsigned b = byte(0);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return tail(1, 0x80, 0xBF) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    const unsigned lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    return tail(1, lo, hi) && tail(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    const unsigned lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    return tail(1, lo, hi) && tail(2, 0x80, 0xBF) && tail(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// toml11 parses nested lists and tables and dotted keys recursively and in
// time that grows faster than the input, and mishandles some invalid UTF-8;
// a hostile or garbled file could overflow the stack, hang or throw from
// deep inside it. A job spec needs none of that, so the raw text is checked
// first: its size, its encoding, and, outside strings and comments, how deep
// [ and { nest and how many dotted parts a key has.
void check_text(const std::string& file, const std::string& text) {
  if (text.size() > max_spec_bytes) {
    throw SpecError(file, 0, fmt::format("{} bytes: a job spec must be at most {} bytes (16 MiB)", text.size(),
                                         max_spec_bytes));
  }
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      const std::size_t line_start = i == 0 ? std::string::npos : text.rfind('\n', i - 1);
      const std::size_t column = line_start == std::string::npos ? i + 1 : i - line_start;
      throw SpecError(file, line_at(text, i),
                      fmt::format("malformed TOML: byte 0x{:02x} in column {} is not UTF-8: a job spec must be "
                                  "UTF-8 text",
                                  static_cast<unsigned char>(text[i]), column));
    }
    i += n;
  }
  enum class In { code, comment, basic, literal, ml_basic, ml_literal };
  In in = In::code;
  int depth = 0;
  int dots = 0;  // in the key being read, if it is one
  const auto run_of = [&](std::size_t i, char quote) {
    std::size_t n = 0;
    while (i + n < text.size() && text[i + n] == quote) ++n;
    return n;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (in) {
      case In::comment:
        if (c == '\n') in = In::code;
        continue;
      case In::basic:
      case In::literal:
        if (c == '\\' && in == In::basic && i + 1 < text.size() && text[i + 1] != '\n') {
          ++i;
        } else if (c == (in == In::basic ? '"' : '\'') || c == '\n') {
          in = In::code;
        }
        continue;
      case In::ml_basic:
      case In::ml_literal: {
        const char quote = in == In::ml_basic ? '"' : '\'';
        if (c == '\\' && in == In::ml_basic) {
          ++i;
        } else if (const std::size_t n = run_of(i, quote); c == quote && n >= 3) {
          // Up to two quotes may end the text just inside the closing three.
          i += std::min<std::size_t>(n, 5) - 1;
          in = In::code;
        }
        continue;
      }
      case In::code:
        break;
    }
    if (c == '"' || c == '\'') {
      const bool multi_line = run_of(i, c) >= 3;
      in = c == '"' ? (multi_line ? In::ml_basic : In::basic) : (multi_line ? In::ml_literal : In::literal);
      if (multi_line) i += 2;
    } else if (c == '.') {
      if (++dots >= max_key_parts) {
        throw SpecError(file, line_at(text, i),
                        fmt::format("a key with more than {} dotted parts: a job spec needs two at most "
                                    "(e.g. sweep.samples)",
                                    max_key_parts));
      }
    } else if (c == '[' || c == '{') {
      dots = 0;
      if (++depth > max_nesting) {
        throw SpecError(file, line_at(text, i),
                        fmt::format("lists and tables nested more than {} levels deep: a job spec needs a few at "
                                    "most",
                                    max_nesting));
      }
    } else if (c == ']' || c == '}') {
      dots = 0;
      depth = std::max(0, depth - 1);
    } else if (c == '#') {
      in = In::comment;
      dots = 0;
    } else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ' || c == '\t')) {
      dots = 0;  // not part of a dotted key: '=', ',', a line end, ...
    }
  }
}

toml::value read_document(const std::string& text, const std::string& file) {
  check_text(file, text);
  std::istringstream in(text);
  try {
    return toml::parse(in, file);
  } catch (const toml::syntax_error& e) {
    throw SpecError(file, e.location().line(), one_line_syntax_error(e));
  } catch (const std::exception& e) {
    throw SpecError(file, 0, std::string("malformed TOML: ") + e.what());
  }
}

void read_sweep(const Reader& reader, const toml::value& section, JobSpec& job,
                const toml::table& params_table) {
  const auto& table = reader.table(section, "sweep");
  std::vector<std::pair<const toml::value*, SweepAxis>> axes;
  for (const auto& [key, value] : table) {
    if (key == "mode") {
      const std::string mode = reader.string(value, "sweep.mode");
      if (mode != "grid" && mode != "zip") {
        reader.fail(value, fmt::format("sweep.mode = \"{}\": {}", mode, suggestion(mode, {"grid", "zip"})));
      }
      job.mode = mode == "grid" ? SweepMode::grid : SweepMode::zip;
      continue;
    }
    const ParamSpec& spec = reader.param_spec(*job.kernel, "sweep", key, value);
    const std::string name = "sweep." + key;
    if (params_table.count(key) != 0) {
      reader.fail(value, fmt::format("{} is also set in [params]: a parameter is either fixed or swept", name));
    }
    if (!value.is_array()) {
      reader.fail(value, fmt::format("{} = {}: must be a list of values, e.g. {} = [{}]", name, Reader::shown(value),
                                     key, Reader::shown(value)));
    }
    const auto& list = value.as_array();
    if (list.empty()) reader.fail(value, fmt::format("{} = []: the sweep is empty; give at least one value", name));
    SweepAxis axis{key, {}};
    for (const auto& element : list) axis.values.push_back(reader.param(element, spec, name));
    axes.emplace_back(&value, std::move(axis));
  }
  if (axes.empty()) {
    reader.fail(section, "[sweep] lists no parameters: add one, e.g. samples = [1000, 10000], or remove [sweep]");
  }
  // Ids must not depend on hash-map order: axes follow the file, top to bottom.
  std::sort(axes.begin(), axes.end(), [](const auto& a, const auto& b) {
    const auto la = a.first->location(), lb = b.first->location();
    return std::pair(la.line(), la.column()) < std::pair(lb.line(), lb.column());
  });
  const SweepAxis& first = axes.front().second;
  for (const auto& [where, axis] : axes) {
    if (job.mode == SweepMode::zip && axis.values.size() != first.values.size()) {
      reader.fail(*where, fmt::format("sweep.{} has {} values but sweep.{} has {}: mode = \"zip\" pairs lists "
                                      "element by element, so they must have the same length",
                                      axis.name, axis.values.size(), first.name, first.values.size()));
    }
  }
  for (auto& entry : axes) job.sweep.push_back(std::move(entry.second));
}

void read_output(const Reader& reader, const toml::value& section, JobSpec& job) {
  const auto& table = reader.table(section, "output");
  reader.reject_unknown(table, "output.", output_keys);
  if (const auto it = table.find("dir"); it != table.end()) {
    job.output_dir = reader.string(it->second, "output.dir");
    if (job.output_dir.empty()) reader.fail(it->second, "output.dir = \"\": must name a directory");
  }
  if (const auto it = table.find("format"); it != table.end()) {
    const std::string format = reader.string(it->second, "output.format");
    if (format != "csv" && format != "jsonl") {
      reader.fail(it->second, fmt::format("output.format = \"{}\": {}", format, suggestion(format, {"csv", "jsonl"})));
    }
    job.format = format == "csv" ? OutputFormat::csv : OutputFormat::jsonl;
  }
}

// `schedule = "dynamic:16"`, or a table: [schedule] kind = "dynamic", chunk = 16.
Schedule read_schedule(const Reader& reader, const toml::value& value) {
  const auto parse = [&](const toml::value& where, const std::string& text) {
    try {
      return Schedule::parse(text);
    } catch (const std::invalid_argument& e) {
      reader.fail(where, e.what());
    }
  };
  if (value.is_string()) return parse(value, value.as_string().str);
  const auto& table = reader.table(value, "schedule");
  reader.reject_unknown(table, "schedule.", schedule_keys);
  const auto kind = table.find("kind");
  if (kind == table.end()) reader.fail(value, "[schedule] needs kind = \"static\", \"cyclic\", \"dynamic\", \"guided\" or \"auto\"");
  Schedule schedule = parse(kind->second, reader.string(kind->second, "schedule.kind"));
  if (const auto chunk = table.find("chunk"); chunk != table.end()) {
    if (schedule.kind != Schedule::Kind::dynamic) reader.fail(chunk->second, "schedule.chunk applies to kind = \"dynamic\" only");
    schedule.chunk = static_cast<std::uint64_t>(reader.integer(chunk->second, "schedule.chunk", 1, INT64_MAX));
  }
  return schedule;
}

// Checks every sweep point with the kernel's own cross-parameter rules; the
// message points at the [sweep] (or [params]) table, where the values are.
void check_points(const Reader& reader, const JobSpec& job, const toml::table& top) {
  if (!job.kernel->check) return;
  const TaskSpace space(job);
  const auto where = top.find(job.sweep.empty() ? "params" : "sweep");
  const auto fail = [&](const std::string& message) {
    if (where == top.end()) reader.fail(message);
    reader.fail(where->second, message);
  };
  for (std::uint64_t point = 0; point < space.points(); ++point) {
    const std::string problem = job.kernel->check(space.params(point));
    if (problem.empty()) continue;
    if (job.sweep.empty()) fail(fmt::format("[params]: {}", problem));
    fail(fmt::format("sweep point {} ({}): {}", point, space.describe_point(point), problem));
  }
}

}  // namespace

JobSpec parse_job_spec(const std::string& path, const KernelRegistry& registry) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw SpecError(path, 0, std::filesystem::exists(path, ec) ? "not a regular file" : "no such file");
  }
  // Checked before reading, so a huge file is refused without loading it.
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > max_spec_bytes) {
    throw SpecError(path, 0, fmt::format("{} bytes: a job spec must be at most {} bytes (16 MiB)", size,
                                         max_spec_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError(path, 0, "cannot be opened for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw SpecError(path, 0, "cannot be read");
  return parse_job_spec_text(text.str(), path, registry);
}

JobSpec parse_job_spec_text(const std::string& text, const std::string& file_name, const KernelRegistry& registry) {
  const Reader reader(file_name);
  const toml::value document = read_document(text, file_name);
  const auto& top = document.as_table();
  reader.reject_unknown(top, "", top_level_keys);

  JobSpec job;
  job.file = file_name;
  job.name = std::filesystem::path(file_name).stem().string();
  if (const auto it = top.find("name"); it != top.end()) {
    job.name = reader.string(it->second, "name");
    if (job.name.empty()) reader.fail(it->second, "name = \"\": must not be empty");
  }

  const auto kernel_it = top.find("kernel");
  if (kernel_it == top.end()) {
    reader.fail(fmt::format("missing key 'kernel': name the kernel to run, one of {} ('partita kernels' lists them)",
                            fmt::join(registry.names(), ", ")));
  }
  const std::string kernel = reader.string(kernel_it->second, "kernel");
  job.kernel = registry.find(kernel);
  if (job.kernel == nullptr) {
    reader.fail(kernel_it->second, fmt::format("kernel = \"{}\": unknown kernel; {}", kernel,
                                               suggestion(kernel, registry.names())));
  }

  if (const auto it = top.find("seed"); it != top.end()) {
    job.seed = static_cast<std::uint64_t>(reader.integer(it->second, "seed", 0, INT64_MAX));
  }
  if (const auto it = top.find("repeat"); it != top.end()) {
    job.repeat = static_cast<std::uint64_t>(reader.integer(it->second, "repeat", 1, 1'000'000'000));
  }

  for (const auto& spec : job.kernel->params) job.fixed.set(spec.name, spec.default_value);
  static const toml::table no_params;
  const toml::table* params = &no_params;
  if (const auto it = top.find("params"); it != top.end()) {
    params = &reader.table(it->second, "params");
    for (const auto& [key, value] : *params) {
      const ParamSpec& spec = reader.param_spec(*job.kernel, "params", key, value);
      job.fixed.set(key, reader.param(value, spec, "params." + key));
    }
  }
  if (const auto it = top.find("sweep"); it != top.end()) read_sweep(reader, it->second, job, *params);
  if (const auto it = top.find("output"); it != top.end()) read_output(reader, it->second, job);
  if (const auto it = top.find("schedule"); it != top.end()) job.schedule = read_schedule(reader, it->second);
  if (const auto it = top.find("retries"); it != top.end()) {
    job.retries = static_cast<int>(reader.integer(it->second, "retries", 0, 100));
  }
  if (const auto it = top.find("max_failures"); it != top.end()) {
    const toml::value& v = it->second;
    const bool count = v.is_integer() && v.as_integer() >= 1;
    const bool fraction = v.is_floating() && v.as_floating() > 0.0 && v.as_floating() < 1.0;
    if (!count && !fraction) {
      reader.fail(v, fmt::format("max_failures = {}: must be a count >= 1 (e.g. 10) or a fraction of the tasks in "
                                 "(0, 1) (e.g. 0.05)",
                                 Reader::shown(v)));
    }
    job.max_failures = count ? static_cast<double>(v.as_integer()) : v.as_floating();
  }
  if (const auto it = top.find("threads_per_task"); it != top.end()) {
    const toml::value& v = it->second;
    if (v.is_string() && v.as_string().str == "auto") {
      job.threads_per_task = 0;
    } else if (v.is_integer() && v.as_integer() >= 1 && v.as_integer() <= 4096) {
      job.threads_per_task = static_cast<int>(v.as_integer());
    } else {
      reader.fail(v, fmt::format("threads_per_task = {}: must be an integer in [1, 4096] or \"auto\"",
                                 Reader::shown(v)));
    }
  }
  if (job.output_dir.empty()) job.output_dir = job.name + ".out";
  // Paths in a spec are relative to the spec's own folder, so a job file
  // means the same wherever it is run from (--out, typed by the user, stays
  // relative to the working directory). Used as written, never via a shell.
  const std::filesystem::path out = job.output_dir;
  if (out.is_relative()) job.output_dir = (std::filesystem::path(file_name).parent_path() / out).lexically_normal().string();

  std::uint64_t points = 1;
  for (const auto& axis : job.sweep) {
    points = job.mode == SweepMode::zip ? axis.values.size() : points * axis.values.size();
    if (points > max_tasks) break;
  }
  if (points > max_tasks || points * job.repeat > max_tasks) {
    reader.fail(fmt::format("the sweep expands to more than 2^32 tasks ({} points x repeat {}); split the job",
                            points, job.repeat));
  }
  check_points(reader, job, top);
  return job;
}

}  // namespace partita::launch
