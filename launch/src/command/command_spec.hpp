// A command job: the user's own program, run once per task. What the job
// file says about it (command, outputs_from, task_dir, log_files), checked
// when the file is read, and how one task's command line and environment
// are made from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "spec/param.hpp"

namespace partita::launch {

/// One piece of a templated text: literal text or a placeholder.
struct TemplatePart {
  enum class Kind { literal, param, task, point, repeat, attempt, seed, threads, dir };
  Kind kind = Kind::literal;
  std::string text;  ///< the literal text, or the parameter's name
};
using TextTemplate = std::vector<TemplatePart>;

/// Where a task's outputs are read from once it exits with status 0.
enum class OutputsFrom {
  stdout_json,      ///< the last line of stdout that is a JSON object
  stdout_keyvalue,  ///< lines "name=value" on stdout (the last one of a name wins)
  file,             ///< a file the task writes (JSON object or name=value lines)
};

struct CommandSpec {
  /// The arguments (argv[0] first); the shell form has one, the script.
  std::vector<TextTemplate> argv;
  bool shell = false;         ///< `command = "..."`: run by /bin/sh -c, placeholders shell-quoted
  std::string written;        ///< the command as the job file has it, for the identity and messages
  std::string program;        ///< the executable, resolved: an absolute path (the shell form: /bin/sh)
  /// Files whose bytes make the program's digest: the executable and every
  /// argument that names a file in the job's folder (a script, an input).
  std::vector<std::string> program_files;
  /// program_digest's value, taken once by rank 0 when the run starts and
  /// shared with the other ranks; empty until then.
  std::string digest;
  OutputsFrom outputs_from = OutputsFrom::stdout_json;
  TextTemplate outputs_file;  ///< outputs_from = "file:NAME", relative to the task's working directory
  bool task_dir = false;      ///< each task runs in its own directory DIR/tasks/...
  bool log_files = false;     ///< also write each task's stdout and stderr as files in its task directory
  std::string base_dir;       ///< the job file's folder (absolute): the default working directory
};

/// What one attempt of a task fills its command's placeholders with.
struct TaskInvocation {
  std::uint64_t task = 0;
  std::uint64_t point = 0;
  std::uint64_t repeat = 0;
  std::uint32_t attempt = 1;
  std::uint64_t seed = 0;
  int threads = 1;
  std::string dir;            ///< the task's directory ("" without task_dir)
  const ParamSet* params = nullptr;
};

/// The placeholders every command may use, besides its parameters.
const std::vector<std::string>& builtin_placeholders();

/// Parses `{name}` placeholders (`{{` and `}}` are literal braces) against
/// the parameter names `params`; on a bad one, returns nothing and sets
/// `problem` to a message naming it and listing the allowed ones.
TextTemplate parse_template(const std::string& text, const std::vector<std::string>& params, std::string& problem);

/// The text with its placeholders filled; `quote` shell-quotes each value.
std::string render(const TextTemplate& text, const TaskInvocation& task, bool quote = false);

/// argv for execve: for the shell form, /bin/sh -c SCRIPT.
std::vector<std::string> command_line(const CommandSpec& command, const TaskInvocation& task);

/// The child's environment: `inherited` (NAME=value strings) without the
/// variables of Open MPI, PMIx, PMI and Hydra (OMPI_, OPAL_, ORTE_, PRTE_,
/// PMIX_, PMI_, HYDRA_), so the child is never taken for an MPI rank, plus PARTITA_TASK, _POINT, _REPEAT, _ATTEMPT, _SEED,
/// _THREADS, _DIR, PARTITA_PARAM_<NAME> and OMP_NUM_THREADS (unless set).
std::vector<std::string> command_environment(const TaskInvocation& task, char** inherited);

/// A task's 64-bit seed: the first draw of its stream (job seed, task id),
/// so the same on any layout and different between tasks.
std::uint64_t task_seed(std::uint64_t job_seed, std::uint64_t task);

/// DIR/tasks/..., fanned out by groups of three digits of the task id so
/// that no folder holds more than 1,000 entries: for a job of 5,000 tasks,
/// task 1234 runs in DIR/tasks/001/1234.
std::filesystem::path task_directory(const std::filesystem::path& output_dir, std::uint64_t task,
                                     std::uint64_t tasks);

/// The digest of the program's files (FNV-1a over each file's bytes, in
/// order), as 16 hex digits; names a file that cannot be read.
std::string program_digest(const CommandSpec& command);

/// Finds `program` as a job file names it: a path is taken relative to
/// `base_dir`; a bare name is looked for in `base_dir`, then on PATH.
/// Returns the absolute path, or "" with `problem` saying why.
std::string resolve_program(const std::string& program, const std::string& base_dir, std::string& problem);

}  // namespace partita::launch
