#include "spec/job_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <toml.hpp>

#include "partita/error.hpp"
#include "command/read_command.hpp"
#include "spec/deadline.hpp"
#include "spec/spec_error.hpp"
#include "spec/spec_reader.hpp"
#include "spec/spec_text_check.hpp"
#include "spec/suggest.hpp"

namespace partita::launch {

namespace {

const std::vector<std::string> top_level_keys = {"name",  "kernel", "seed",   "repeat",
                                                 "params", "sweep", "output", "schedule", "threads_per_task",
                                                 "retries", "max_failures", "isolation", "timeout",
                                                 "quarantine_after", "command", "outputs", "outputs_from",
                                                 "task_dir", "log_files"};
const std::vector<std::string> schedule_keys = {"kind", "chunk"};
const std::vector<std::string> output_keys = {"dir", "format"};
constexpr std::uint64_t max_tasks = std::uint64_t{1} << 32;
constexpr std::uint64_t max_points = std::uint64_t{1} << 20;

// toml11 formats a syntax error over several lines: a reason, then source
// lines quoted as " 4 | seed = [1, 2", each followed by a caret line
// "   | ^--- hint" (its gutter before '|' is blank, unlike a quoted line,
// which may hold a '^' too). The error's own location is where the parser
// stopped: the broken construct itself (a duplicate key, a bad value),
// except for a list, which toml11 reports where it gave up looking for the
// next value or ']', maybe lines later: there the line to report is the one
// whose hint says "array starts here". Every hint is kept, those on other
// lines after their line number, in one line.
struct SyntaxError {
  unsigned line = 0;
  std::string message;
};

SyntaxError one_line_syntax_error(const toml::syntax_error& e) {
  const std::string text = e.what();
  std::string reason = text.substr(0, text.find('\n'));
  if (const auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
  std::vector<std::pair<unsigned, std::string>> hints;  // quoted line, hint
  unsigned quoted = 0;                                  // the last quoted source line
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    if (std::isdigit(static_cast<unsigned char>(line[first]))) {
      const auto digits_end = line.find_first_not_of("0123456789", first);
      if (digits_end != std::string::npos && line.compare(digits_end, 2, " |") == 0) {
        quoted = static_cast<unsigned>(std::strtoul(line.c_str() + first, nullptr, 10));
      }
      continue;
    }
    if (line[first] != '|') continue;
    const auto caret = line.find_first_not_of(' ', first + 1);
    if (caret == std::string::npos || (line[caret] != '^' && line[caret] != '~')) continue;
    if (const auto hint = line.find_first_not_of("^-~ ", caret); hint != std::string::npos) {
      hints.emplace_back(quoted, line.substr(hint));
    }
  }
  SyntaxError error{e.location().line(), "malformed TOML: " + reason};
  for (const auto& [line, hint] : hints) {
    if (line != 0 && hint.ends_with("starts here")) error.line = line;
  }
  std::vector<std::string> shown;
  for (const auto& [line, hint] : hints) {
    shown.push_back(line == 0 || line == error.line ? hint : fmt::format("at line {}: {}", line, hint));
  }
  if (!shown.empty()) error.message += fmt::format(" ({})", fmt::join(shown, "; "));
  return error;
}

toml::value read_document(const std::string& text, const std::string& file) {
  check_spec_text(file, text);
  std::istringstream in(text);
  try {
    return toml::parse(in, file);
  } catch (const toml::syntax_error& e) {
    const SyntaxError error = one_line_syntax_error(e);
    throw SpecError(file, error.line, printable(error.message));
  } catch (const std::exception& e) {
    throw SpecError(file, 0, printable(std::string("malformed TOML: ") + e.what()));
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
    const ParamSpec* spec = job.own_kernel ? nullptr : &reader.param_spec(*job.kernel, "sweep", key, value);
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
    SweepAxis axis{key, {}, value.location().line()};
    for (const auto& element : list) {
      axis.values.push_back(spec != nullptr ? reader.param(element, *spec, name) : reader.free_param(element, name));
    }
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
    } catch (const InvalidArgument& e) {
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
// One point at a time, in TaskSpace's order (grid: the last axis fastest),
// so the number in a message is the point's id, without building all of
// them (up to max_points) just to check them.
void check_points(const Reader& reader, const JobSpec& job, const toml::table& top, std::uint64_t points) {
  if (!job.kernel->check) return;
  const auto where = top.find(job.sweep.empty() ? "params" : "sweep");
  const auto fail = [&](const std::string& message) {
    if (where == top.end()) reader.fail(message);
    reader.fail(where->second, message);
  };
  ParamSet params = job.fixed;
  std::vector<std::size_t> index(job.sweep.size(), 0);
  for (std::uint64_t point = 0; point < points; ++point) {
    if (job.mode == SweepMode::zip) std::fill(index.begin(), index.end(), static_cast<std::size_t>(point));
    for (std::size_t a = 0; a < job.sweep.size(); ++a) params.set(job.sweep[a].name, job.sweep[a].values[index[a]]);
    const std::string problem = job.kernel->check(params);
    if (!problem.empty()) {
      if (job.sweep.empty()) fail(fmt::format("[params]: {}", problem));
      std::string described;  // as TaskSpace::describe_point
      for (std::size_t a = 0; a < job.sweep.size(); ++a) {
        described += (a == 0 ? "" : ", ") + job.sweep[a].name + "=" + to_text(job.sweep[a].values[index[a]]);
      }
      fail(fmt::format("sweep point {} ({}): {}", point, described, problem));
    }
    if (job.mode == SweepMode::grid) {
      for (std::size_t a = job.sweep.size(); a-- > 0;) {
        if (++index[a] < job.sweep[a].values.size()) break;
        index[a] = 0;
      }
    }
  }
}

}  // namespace

namespace {

// isolation, timeout and quarantine_after: the last two only mean something
// for worker processes, so they are refused without them.
void read_isolation(const Reader& reader, const toml::table& top, JobSpec& job) {
  if (const auto it = top.find("isolation"); it != top.end()) {
    const std::string kind = reader.string(it->second, "isolation");
    if (kind != "thread" && kind != "process") {
      reader.fail(it->second, fmt::format("isolation = \"{}\": must be \"thread\" (tasks run on the rank's threads) "
                                          "or \"process\" (in worker processes: a crash fails only that attempt)",
                                          kind));
    }
    job.isolation = kind == "process" ? Isolation::process : Isolation::thread;
  }
  const auto needs_process = [&](const toml::value& v, const char* key) {
    if (job.isolation != Isolation::process) {
      reader.fail(v, fmt::format("{} = {}: needs isolation = \"process\" (a task on a rank's thread cannot be "
                                 "stopped or survive a crash)",
                                 key, Reader::shown(v)));
    }
  };
  if (const auto it = top.find("timeout"); it != top.end()) {
    const toml::value& v = it->second;
    std::optional<double> seconds;
    if (v.is_string()) seconds = parse_duration(v.as_string().str);
    if (v.is_integer() && v.as_integer() > 0) seconds = static_cast<double>(v.as_integer());
    if (v.is_floating() && std::isfinite(v.as_floating())) seconds = v.as_floating();
    if (!seconds || *seconds <= 0.0 || *seconds > 30.0 * 86400) {
      reader.fail(v, fmt::format("timeout = {}: must be a duration such as \"30s\", \"5m\", \"1h30m\" or seconds "
                                 "(> 0, at most 30 days)",
                                 Reader::shown(v)));
    }
    needs_process(v, "timeout");
    job.timeout_seconds = *seconds;
  }
  if (const auto it = top.find("quarantine_after"); it != top.end()) {
    job.quarantine_after = static_cast<int>(reader.integer(it->second, "quarantine_after", 1, 1000));
    needs_process(it->second, "quarantine_after");
  }
}

}  // namespace

namespace {

// `name` is printed, and names files: the output directory NAME.out beside
// the spec and the batch scripts NAME.slurm.sh and NAME.pbs.sh. So it must
// be one file name (no '/', at most 240 bytes, room left for a suffix
// within the usual 255) of text a terminal shows as it is: no control
// characters, and none of the Unicode marks that reorder or break a line.
constexpr std::size_t max_name_bytes = 240;
constexpr const char* name_rule =
    "a job's name is printed and names its files (NAME.out, NAME.slurm.sh), so it must be printable text of at "
    "most 240 bytes without '/' or control characters";

std::string name_problem(const std::string& name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > max_name_bytes) return fmt::format("is {} bytes long: {}", name.size(), name_rule);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto byte = [&](std::size_t k) { return i + k < name.size() ? static_cast<unsigned char>(name[i + k]) : 0u; };
    const unsigned c = byte(0);
    if (c == '/') return fmt::format("holds '/': {}", name_rule);
    if (c < 0x20 || c == 0x7F || (c == 0xC2 && byte(1) >= 0x80 && byte(1) <= 0x9F)) {
      const unsigned code = c == 0xC2 ? byte(1) : c;
      return fmt::format("holds the control character \\u{:04X}: {}", code, name_rule);
    }
    if (const unsigned mark = line_mark(name, i); mark != 0) {
      return fmt::format("holds \\u{:04X}, a mark that breaks or reorders the line it is printed on: {}", mark,
                         name_rule);
    }
  }
  return {};
}

// The task count is a product: each swept list (grid: all of them; zip:
// the first, the others being as long) and repeat. A message about the
// job's size names the largest factor, with its line: the one to shrink.
struct SizeFactor {
  std::string key;
  std::string shown;
  std::uint64_t count = 0;
  unsigned line = 0;
};

std::vector<SizeFactor> size_factors(const JobSpec& job) {
  std::vector<SizeFactor> factors;
  for (const auto& axis : job.sweep) {
    factors.push_back({"sweep." + axis.name, fmt::format("[{} values]", axis.values.size()), axis.values.size(),
                       axis.line});
    if (job.mode == SweepMode::zip) break;
  }
  factors.push_back({"repeat", std::to_string(job.repeat), job.repeat, job.repeat_line});
  return factors;
}

const SizeFactor& largest(const std::vector<SizeFactor>& factors) {
  const SizeFactor* top = &factors.front();
  for (const auto& f : factors) {
    if (f.count >= top->count) top = &f;  // ties: the later, which tipped the product over
  }
  return *top;
}

// Saturates: a product past 2^64 stays 2^64 - 1, which every limit refuses.
std::uint64_t point_count(const JobSpec& job) {
  if (job.sweep.empty()) return 1;
  if (job.mode == SweepMode::zip) return job.sweep.front().values.size();
  std::uint64_t points = 1;
  for (const auto& axis : job.sweep) {
    const std::uint64_t n = axis.values.size();
    points = points > UINT64_MAX / n ? UINT64_MAX : points * n;
  }
  return points;
}

std::uint64_t task_count(const JobSpec& job) {
  const std::uint64_t points = point_count(job);
  return points > UINT64_MAX / job.repeat ? UINT64_MAX : points * job.repeat;
}

// "2250000 points (sweep.samples 1500 x sweep.upper 1500)".
std::string points_text(const JobSpec& job) {
  const std::uint64_t points = point_count(job);
  std::string text = points == UINT64_MAX ? std::string("more than 2^64 points")
                                          : fmt::format("{} point{}", points, points == 1 ? "" : "s");
  if (job.mode == SweepMode::grid && job.sweep.size() > 1) {
    std::string product;
    for (const auto& axis : job.sweep) {
      product += fmt::format("{}sweep.{} {}", product.empty() ? "" : " x ", axis.name, axis.values.size());
    }
    text += " (" + product + ")";
  }
  return text;
}

// A refusal about the job's size, at the largest factor's line.
[[noreturn]] void fail_size(const JobSpec& job, const std::string& rule) {
  const std::vector<SizeFactor> factors = size_factors(job);
  const SizeFactor& culprit = largest(factors);
  if (culprit.line == 0) throw SpecError(job.file, 0, printable(rule));
  throw SpecError(job.file, culprit.line, printable(fmt::format("{} = {}: {}", culprit.key, culprit.shown, rule)));
}

}  // namespace

void check_job_memory(const JobSpec& job, const MemoryLimit& limit) {
  const std::uint64_t tasks = task_count(job);
  const std::uint64_t needed = rank0_bytes(tasks, point_count(job), job.kernel->params.size(), job.sweep.size(),
                                           job.kernel->outputs.size(), static_cast<bool>(job.kernel->cost_hint));
  if (needed <= limit.bytes) return;
  const std::string count = job.sweep.empty() ? fmt::format("{} tasks", tasks)
                                              : fmt::format("{} tasks ({} x repeat {})", tasks, points_text(job),
                                                            job.repeat);
  const std::string bound = limit.bound > limit.bytes
                                ? fmt::format("may still use ({}: {})", limit.source, memory_text(limit.bound))
                                : fmt::format("may use ({})", limit.source);
  fail_size(job, fmt::format("{} need about {} on rank 0, more than the {} this process {}; split the job, or run it "
                             "where rank 0 has more memory",
                             count, memory_text(needed), memory_text(limit.bytes), bound));
}

JobSpec parse_job_spec(const std::string& path, const KernelRegistry& registry, const SpecChecks& checks) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw SpecError(path, 0, std::filesystem::exists(path, ec) ? "not a regular file" : "no such file");
  }
  // Checked before reading, so a huge file is refused without loading it.
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > max_spec_bytes) {
    throw SpecError(path, 0, fmt::format("{} bytes: a job spec must be at most {} bytes (4 MiB)", size,
                                         max_spec_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError(path, 0, "cannot be opened for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw SpecError(path, 0, "cannot be read");
  return parse_job_spec_text(text.str(), path, registry, checks);
}

JobSpec parse_job_spec_text(const std::string& text, const std::string& file_name, const KernelRegistry& registry,
                            const SpecChecks& checks) {
  const Reader reader(file_name);
  const toml::value document = read_document(text, file_name);
  const auto& top = document.as_table();
  reader.reject_unknown(top, "", top_level_keys);

  JobSpec job;
  job.file = file_name;
  if (const auto it = top.find("name"); it != top.end()) {
    job.name = reader.string(it->second, "name");
    if (const std::string problem = name_problem(job.name); !problem.empty()) {
      reader.fail(it->second, fmt::format("name = \"{}\": {}", job.name, problem));
    }
  } else {
    job.name = std::filesystem::path(file_name).stem().string();
    if (const std::string problem = name_problem(job.name); !problem.empty()) {
      reader.fail(fmt::format("the job's name \"{}\", taken from the file's name, {}; set one with name = \"...\"",
                              job.name, problem));
    }
  }

  const auto kernel_it = top.find("kernel");
  const auto command_it = top.find("command");
  std::shared_ptr<KernelInfo> command_kernel;
  if (kernel_it != top.end() && command_it != top.end()) {
    reader.fail(command_it->second, "both 'kernel' and 'command' are set: a job runs a built-in kernel or its own "
                                    "program, not both; remove one");
  }
  if (command_it != top.end()) {
    command_kernel = read_command_outputs(reader, top);
    job.own_kernel = command_kernel;
    job.kernel = command_kernel.get();
  } else {
    if (kernel_it == top.end()) {
      reader.fail(fmt::format("missing key 'kernel' or 'command': name the kernel to run, one of {} ('partita "
                              "kernels' lists them), or your own program, command = [\"./sim\", \"--seed\", "
                              "\"{{seed}}\"]",
                              fmt::join(registry.names(), ", ")));
    }
    for (const auto& key : command_only_keys()) {
      if (const auto it = top.find(key); it != top.end()) {
        reader.fail(it->second, fmt::format("{}: only a command job (command = [...]) has it; a kernel declares "
                                            "its own outputs ('partita kernels')",
                                            key));
      }
    }
    const std::string kernel = reader.string(kernel_it->second, "kernel");
    job.kernel = registry.find(kernel);
    if (job.kernel == nullptr) {
      reader.fail(kernel_it->second, fmt::format("kernel = \"{}\": unknown kernel; {}", kernel,
                                                 suggestion(kernel, registry.names())));
    }
  }

  if (const auto it = top.find("seed"); it != top.end()) {
    job.seed = static_cast<std::uint64_t>(reader.integer(it->second, "seed", 0, INT64_MAX));
  }
  if (const auto it = top.find("repeat"); it != top.end()) {
    job.repeat = static_cast<std::uint64_t>(reader.integer(it->second, "repeat", 1, 1'000'000'000));
    job.repeat_line = it->second.location().line();
  }

  for (const auto& spec : job.kernel->params) job.fixed.set(spec.name, spec.default_value);
  static const toml::table no_params;
  const toml::table* params = &no_params;
  if (const auto it = top.find("params"); it != top.end()) {
    params = &reader.table(it->second, "params");
    // In the file's order (a command's parameters have no declared one).
    std::vector<std::pair<std::string, const toml::value*>> in_order;
    for (const auto& [key, value] : *params) in_order.emplace_back(key, &value);
    std::sort(in_order.begin(), in_order.end(), [](const auto& a, const auto& b) {
      const auto la = a.second->location(), lb = b.second->location();
      return std::pair(la.line(), la.column()) < std::pair(lb.line(), lb.column());
    });
    for (const auto& [key, where] : in_order) {
      const toml::value& value = *where;
      if (command_kernel) {
        job.fixed.set(key, reader.free_param(value, "params." + key));
        continue;
      }
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
    const auto whole = Reader::whole_number(v);
    const bool count = whole && *whole >= 1;
    const bool fraction = v.is_floating() && v.as_floating() > 0.0 && v.as_floating() < 1.0;
    if (!count && !fraction) {
      reader.fail(v, fmt::format("max_failures = {}: must be a count >= 1 (e.g. 10) or a fraction of the tasks in "
                                 "(0, 1) (e.g. 0.05){}",
                                 Reader::shown(v), v.is_floating() && v.as_floating() > 1.0 ? ": it is neither" : ""));
    }
    job.max_failures = count ? static_cast<double>(*whole) : v.as_floating();
  }
  if (const auto it = top.find("threads_per_task"); it != top.end()) {
    const toml::value& v = it->second;
    if (v.is_string() && v.as_string().str == "auto") {
      job.threads_per_task = 0;
    } else if (const auto n = Reader::whole_number(v); n && *n >= 1 && *n <= 4096) {
      job.threads_per_task = static_cast<int>(*n);
    } else {
      reader.fail(v, fmt::format("threads_per_task = {}: must be an integer in [1, 4096] or \"auto\"{}",
                                 Reader::shown(v), Reader::not_one(v)));
    }
  }
  if (command_kernel) job.isolation = Isolation::process;
  read_isolation(reader, top, job);
  if (command_kernel) {
    // A command always runs in its own process, started by the rank's fork
    // server; timeout and quarantine_after apply to it as they do to workers.
    if (const auto it = top.find("isolation"); it != top.end() && job.isolation != Isolation::process) {
      reader.fail(it->second, "isolation = \"thread\": a command always runs in its own process; remove the key");
    }
    job.isolation = Isolation::process;
    job.command = read_command(reader, top, job, *command_kernel);
  }
  if (job.output_dir.empty()) job.output_dir = job.name + ".out";
  // Paths in a spec are relative to the spec's own folder, so a job file
  // means the same wherever it is run from (--out, typed by the user, stays
  // relative to the working directory). Used as written, never via a shell.
  const std::filesystem::path out = job.output_dir;
  if (out.is_relative()) job.output_dir = (std::filesystem::path(file_name).parent_path() / out).lexically_normal().string();

  if (task_count(job) > max_tasks) {
    fail_size(job, fmt::format("the sweep expands to more than 2^32 tasks ({} x repeat {}); split the job",
                               points_text(job), job.repeat));
  }
  // Every point's parameter set is held in memory (TaskSpace), on every rank.
  const std::uint64_t points = point_count(job);
  if (points > max_points) {
    fail_size(job, fmt::format("the sweep has {}: at most 2^20 ({}) are allowed, each held in memory; sweep "
                               "fewer values (repeat runs a point many times) or split the job",
                               points_text(job), max_points));
  }
  check_points(reader, job, top, points);
  // Last: the other rules hold wherever the file is read; this one depends
  // on the machine.
  if (checks.memory) {
    if (const auto limit = checks.memory_limit ? checks.memory_limit : process_memory_limit()) {
      check_job_memory(job, *limit);
    }
  }
  return job;
}

}  // namespace partita::launch
