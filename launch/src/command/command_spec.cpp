#include "command/command_spec.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "partita/error.hpp"
#include "partita/rng.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

const std::vector<std::string>& builtin_placeholders() {
  static const std::vector<std::string> names = {"task", "point", "repeat", "attempt", "seed", "threads", "dir"};
  return names;
}

namespace {

TemplatePart::Kind builtin_kind(const std::string& name) {
  using Kind = TemplatePart::Kind;
  static const Kind kinds[] = {Kind::task, Kind::point, Kind::repeat, Kind::attempt, Kind::seed, Kind::threads,
                               Kind::dir};
  const auto& names = builtin_placeholders();
  const auto at = std::find(names.begin(), names.end(), name);
  return at == names.end() ? Kind::literal : kinds[at - names.begin()];
}

// 'text' for /bin/sh: single quotes keep every byte as it is but a single
// quote, which is closed, escaped and reopened.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string value_of(const TemplatePart& part, const TaskInvocation& task) {
  using Kind = TemplatePart::Kind;
  switch (part.kind) {
    case Kind::literal: return part.text;
    case Kind::param: return to_text(task.params->at(part.text));
    case Kind::task: return std::to_string(task.task);
    case Kind::point: return std::to_string(task.point);
    case Kind::repeat: return std::to_string(task.repeat);
    case Kind::attempt: return std::to_string(task.attempt);
    case Kind::seed: return std::to_string(task.seed);
    case Kind::threads: return std::to_string(task.threads);
    case Kind::dir: return task.dir;
  }
  return {};
}

bool executable_file(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Variables that would make a child believe it is a rank of this job.
bool launcher_variable(const char* entry) {
  static const char* const prefixes[] = {"OMPI_", "OPAL_", "ORTE_", "PRTE_", "PMIX_", "PMI_", "HYDRA_"};
  return std::any_of(std::begin(prefixes), std::end(prefixes),
                     [entry](const char* p) { return std::strncmp(entry, p, std::strlen(p)) == 0; });
}

}  // namespace

TextTemplate parse_template(const std::string& text, const std::vector<std::string>& params, std::string& problem) {
  TextTemplate parts;
  std::string literal;
  const auto flush = [&] {
    if (!literal.empty()) parts.push_back({TemplatePart::Kind::literal, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      ++i;
      continue;
    }
    if (c == '}') {
      problem = fmt::format("a lone '}}' at character {}: write '}}}}' for a literal brace", i + 1);
      return {};
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    const auto close = text.find('}', i + 1);
    if (close == std::string::npos) {
      problem = fmt::format("'{{' at character {} is not closed: write '{{{{' for a literal brace", i + 1);
      return {};
    }
    const std::string name = text.substr(i + 1, close - i - 1);
    flush();
    if (std::find(params.begin(), params.end(), name) != params.end()) {
      parts.push_back({TemplatePart::Kind::param, name});
    } else if (const auto kind = builtin_kind(name); kind != TemplatePart::Kind::literal) {
      parts.push_back({kind, name});
    } else {
      std::vector<std::string> allowed = params;
      allowed.insert(allowed.end(), builtin_placeholders().begin(), builtin_placeholders().end());
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "{" : ", {") + a + "}";
      problem = fmt::format("unknown placeholder {{{}}}: the allowed ones are {} ('{{{{' is a literal brace)", name,
                            list);
      return {};
    }
    i = close;
  }
  flush();
  return parts;
}

std::string render(const TextTemplate& text, const TaskInvocation& task, bool quote) {
  std::string out;
  for (const auto& part : text) {
    const std::string value = value_of(part, task);
    out += quote && part.kind != TemplatePart::Kind::literal ? shell_quoted(value) : value;
  }
  return out;
}

std::vector<std::string> command_line(const CommandSpec& command, const TaskInvocation& task) {
  if (command.shell) return {"/bin/sh", "-c", render(command.argv.front(), task, true)};
  std::vector<std::string> argv;
  argv.reserve(command.argv.size());
  for (const auto& arg : command.argv) argv.push_back(render(arg, task));
  argv.front() = command.program;  // resolved where the job file said
  return argv;
}

std::vector<std::string> command_environment(const TaskInvocation& task, char** inherited) {
  std::vector<std::string> env;
  bool omp_set = false;
  for (char** entry = inherited; entry != nullptr && *entry != nullptr; ++entry) {
    if (launcher_variable(*entry) || std::strncmp(*entry, "PARTITA_", 8) == 0) continue;
    omp_set = omp_set || std::strncmp(*entry, "OMP_NUM_THREADS=", 16) == 0;
    env.emplace_back(*entry);
  }
  env.push_back("PARTITA_TASK=" + std::to_string(task.task));
  env.push_back("PARTITA_POINT=" + std::to_string(task.point));
  env.push_back("PARTITA_REPEAT=" + std::to_string(task.repeat));
  env.push_back("PARTITA_ATTEMPT=" + std::to_string(task.attempt));
  env.push_back("PARTITA_SEED=" + std::to_string(task.seed));
  env.push_back("PARTITA_THREADS=" + std::to_string(task.threads));
  if (!task.dir.empty()) env.push_back("PARTITA_DIR=" + task.dir);
  const auto& names = task.params->names();
  for (std::size_t p = 0; p < names.size(); ++p) {
    std::string name = names[p];
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
    });
    env.push_back("PARTITA_PARAM_" + name + "=" + to_text(task.params->values()[p]));
  }
  if (!omp_set) env.push_back("OMP_NUM_THREADS=" + std::to_string(task.threads));
  return env;
}

std::uint64_t task_seed(std::uint64_t job_seed, std::uint64_t task) {
  Rng rng(job_seed, task);
  const std::uint64_t lo = rng.next_u32();
  return lo | (std::uint64_t{rng.next_u32()} << 32);
}

fs::path task_directory(const fs::path& output_dir, std::uint64_t task, std::uint64_t tasks) {
  // Digits of the largest id, rounded up to groups of three; every group
  // but the last names a folder level.
  std::size_t digits = std::to_string(tasks > 0 ? tasks - 1 : 0).size();
  digits = (digits + 2) / 3 * 3;
  const std::string padded = fmt::format("{:0{}}", task, digits);
  fs::path path = output_dir / "tasks";
  for (std::size_t at = 0; at + 3 < digits; at += 3) path /= padded.substr(at, 3);
  return path / std::to_string(task);
}

std::string program_digest(const CommandSpec& command) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  std::vector<char> buffer(1 << 16);
  for (const auto& file : command.program_files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot read " + file + " to take its digest: " + std::strerror(errno));
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      for (std::streamsize k = 0; k < in.gcount(); ++k) {
        hash ^= static_cast<unsigned char>(buffer[static_cast<std::size_t>(k)]);
        hash *= 0x100000001b3ULL;
      }
    }
  }
  return fmt::format("{:016x}", hash);
}

std::string resolve_program(const std::string& program, const std::string& base_dir, std::string& problem) {
  const auto refuse = [&](const fs::path& given) {
    // Shown as the user would write it: DIR/prog, not DIR/./prog.
    const fs::path path = given.lexically_normal();
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      problem = fmt::format("no such file: {}", path.string());
    } else if (fs::is_directory(path, ec)) {
      problem = fmt::format("{} is a directory, not a program", path.string());
    } else {
      problem = fmt::format("{} is not executable (chmod +x it, or run it through its interpreter, e.g. "
                            "[\"python3\", \"{}\"])",
                            path.string(), program);
    }
    return std::string();
  };
  if (program.empty()) {
    problem = "the program's name is empty";
    return {};
  }
  if (program.find('/') != std::string::npos) {
    const fs::path path = fs::path(program).is_absolute() ? fs::path(program) : fs::path(base_dir) / program;
    if (executable_file(path)) return fs::absolute(path).lexically_normal().string();
    return refuse(path);
  }
  if (const fs::path here = fs::path(base_dir) / program; executable_file(here)) return here.lexically_normal().string();
  const char* path_variable = std::getenv("PATH");
  std::string search = path_variable != nullptr ? path_variable : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= search.size();) {
    const auto end = std::min(search.find(':', start), search.size());
    const std::string folder = end > start ? search.substr(start, end - start) : ".";
    if (const fs::path candidate = fs::absolute(fs::path(folder) / program); executable_file(candidate)) {
      return candidate.lexically_normal().string();
    }
    start = end + 1;
  }
  problem = fmt::format("'{}' is neither in the job's folder ({}) nor on PATH", program, base_dir);
  return {};
}

}  // namespace partita::launch
