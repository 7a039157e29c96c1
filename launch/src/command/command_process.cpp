#include "command/command_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "command/command_spec.hpp"
#include "command/running_commands.hpp"
#include "command/task_log.hpp"
#include "command/task_outputs.hpp"
#include "spec/spec_error.hpp"
#include "spec/task_space.hpp"

namespace partita::launch {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t stderr_tail_bytes = 4096;
constexpr std::size_t max_line_bytes = 1 << 20;      // a stdout line longer is not an output line
constexpr std::size_t max_output_file_bytes = 16 << 20;
constexpr auto term_grace = std::chrono::seconds(2);

// What is kept of stdout, line by line as it streams, whatever its size:
// the last line that may be a JSON object (stdout-json), or the last value
// of each declared output's name=value line (stdout-keyvalue). A line over
// 1 MiB is not kept; if it would have been the output, reading fails.
class StdoutKeeper {
 public:
  StdoutKeeper(OutputsFrom from, const std::vector<OutputSpec>& outputs) : from_(from), outputs_(outputs) {}
  void feed(std::string_view bytes) {
    if (from_ == OutputsFrom::file) return;
    while (!bytes.empty()) {
      const auto end = bytes.find('\n');
      const std::string_view part = bytes.substr(0, end);
      if (line_.size() + part.size() <= max_line_bytes) {
        line_.append(part);
      } else {
        line_.append(part.substr(0, max_line_bytes - line_.size()));  // the start of it says what it was
        too_long_ = true;
      }
      if (end == std::string_view::npos) return;
      finish_line();
      bytes.remove_prefix(end + 1);
    }
  }
  /// Everything read; a last line without its newline counts.
  void finish() { finish_line(); }
  const std::string& json_line() const { return last_object_; }
  bool json_line_too_long() const { return object_too_long_; }
  const Reported& key_values() const { return key_values_; }
  /// A declared output whose last name=value line was over 1 MiB, or "".
  const std::string& key_too_long() const { return key_too_long_; }

 private:
  void finish_line() {
    const auto first = line_.find_first_not_of(" \t\r");
    if (first != std::string::npos) {
      if (from_ == OutputsFrom::stdout_json && line_[first] == '{') {
        object_too_long_ = too_long_;
        last_object_ = too_long_ ? std::string() : line_;
      } else if (from_ == OutputsFrom::stdout_keyvalue) {
        keep_key_value();
      }
    }
    line_.clear();
    too_long_ = false;
  }
  void keep_key_value() {
    Reported line;
    parse_key_values(line_, line);
    for (auto& [key, value] : line) {
      const std::string& name = key;  // a structured binding cannot be captured before C++23 (clang)
      const bool declared = std::any_of(outputs_.begin(), outputs_.end(), [&](const OutputSpec& o) { return o.name == name; });
      if (!declared) continue;  // only declared names are kept: memory stays bounded
      if (key_too_long_ == name) key_too_long_.clear();
      if (too_long_) key_too_long_ = name;
      key_values_[name] = std::move(value);
    }
  }
  OutputsFrom from_;
  const std::vector<OutputSpec>& outputs_;
  std::string line_, last_object_;
  bool too_long_ = false, object_too_long_ = false;
  Reported key_values_;
  std::string key_too_long_;
};

void keep_tail(std::string& tail, std::string_view bytes) {
  tail.append(bytes);
  if (tail.size() > stderr_tail_bytes) tail.erase(0, tail.size() - stderr_tail_bytes);
}

// log_files = true: DIR/tasks/.../stdout.log and stderr.log, the latest
// attempt's (each attempt starts them afresh).
class TaskFiles {
 public:
  TaskFiles(const std::string& dir) {
    for (int s = 0; s < 2; ++s) {
      const std::string path = dir + (s == 0 ? "/stdout.log" : "/stderr.log");
      fds_[s] = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fds_[s] < 0 && problem_.empty()) problem_ = fmt::format("cannot create {}: {}", path, std::strerror(errno));
    }
  }
  ~TaskFiles() {
    for (int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }
  TaskFiles(const TaskFiles&) = delete;
  TaskFiles& operator=(const TaskFiles&) = delete;
  void write(int stream, std::string_view bytes) {
    if (fds_[stream] < 0) return;
    while (!bytes.empty()) {
      const ssize_t wrote = ::write(fds_[stream], bytes.data(), bytes.size());
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) {
        if (problem_.empty()) problem_ = fmt::format("cannot write the task's {} file: {}", stream == 0 ? "stdout" : "stderr", std::strerror(errno));
        ::close(fds_[stream]);
        fds_[stream] = -1;
        return;
      }
      bytes.remove_prefix(static_cast<std::size_t>(wrote));
    }
  }
  const std::string& problem() const { return problem_; }

 private:
  int fds_[2] = {-1, -1};
  std::string problem_;
};

std::string stderr_note(const std::string& tail) {
  std::string shown = tail;
  while (!shown.empty() && (shown.back() == '\n' || shown.back() == '\r')) shown.pop_back();
  if (shown.empty()) return {};
  return "; stderr ends: " + escape_controls(shown.size() > 400 ? shown.substr(shown.size() - 400) : shown);
}

// How the command ended, in its own terms (not a worker's).
std::string command_exit(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = ::strsignal(signal);
    return fmt::format("killed by signal {} ({}){}", signal, name ? name : "unknown",
                       signal == SIGKILL ? ": out of memory, or killed by someone" : "");
  }
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  return "ended";
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

std::string read_outputs(const JobSpec& job, const CommandRequest& request, const ParamSet& params, StdoutKeeper& out,
                         std::span<double> values, std::vector<std::string>& texts) {
  const CommandSpec& command = *job.command;
  const auto& outputs = job.kernel->outputs;
  Reported reported;
  std::string problem;
  if (command.outputs_from == OutputsFrom::stdout_json) {
    if (outputs.empty()) return {};
    if (out.json_line_too_long()) return "the last line of stdout that looks like a JSON object is over 1 MiB";
    const std::string& line = out.json_line();
    if (line.empty()) return "no line of stdout is a JSON object (outputs_from = \"stdout-json\"), e.g. {\"" + outputs.front().name + "\": 1.5}";
    if (!parse_json_object(line, reported, problem)) {
      return "the last line of stdout that looks like a JSON object is not one: " + problem + ": " + shown_excerpt(line);
    }
  } else if (command.outputs_from == OutputsFrom::stdout_keyvalue) {
    if (!out.key_too_long().empty()) return "output '" + out.key_too_long() + "': its last name=value line is over 1 MiB";
    reported = out.key_values();
  } else {
    // Where the server started it: the task's directory, else the job's folder.
    const TaskInvocation task = task_invocation(job, request, params);
    const std::filesystem::path file =
        std::filesystem::path(task.dir.empty() ? command.base_dir : task.dir) / render(command.outputs_file, task);
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return fmt::format("its output file {} cannot be read: {}", file.string(), ec.message());
    if (size > max_output_file_bytes) return fmt::format("its output file {} is {} bytes, over 16 MiB", file.string(), size);
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '{') {
      if (!parse_json_object(text, reported, problem)) {
        return fmt::format("its output file {} is not a JSON object: {}", file.string(), problem);
      }
    } else {
      parse_key_values(text, reported);
    }
  }
  return take_outputs(outputs, reported, values, texts);
}

}  // namespace

IsolatedAttempt run_command_task(ForkServer& server, const JobSpec& job, const CommandRequest& request,
                                 const ParamSet& params, const CommandLimits& limits, std::span<double> values,
                                 std::vector<std::string>& texts) {
  const double timeout_seconds = limits.timeout_seconds;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return {fmt::format("cannot create a pipe: {}", std::strerror(errno)), false};
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return {fmt::format("cannot create a pipe: {}", std::strerror(errno)), false};
  }
  pid_t pid = -1;
  try {
    pid = server.start_command(request, out_pipe[1], err_pipe[1]);
  } catch (const ForkServerLost&) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    throw;
  } catch (const Error& e) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return {e.what(), false};
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  command_started(pid);
  const int pidfd = open_pidfd(pid);
  StdoutKeeper out(job.command->outputs_from, job.kernel->outputs);
  std::string err_tail;
  // Every byte goes to the rank's log as it is read; only the bounded
  // keepers above hold any of it in memory.
  std::optional<TaskFiles> files;
  if (job.command->log_files) files.emplace(task_invocation(job, request, params).dir);
  const auto log = [&](int stream, std::string_view bytes) {
    if (limits.log != nullptr) {
      limits.log->write(request.task, request.attempt, stream == 0 ? LogStream::out : LogStream::err, bytes);
    }
    if (files) files->write(stream, bytes);
  };
  const auto start = Clock::now();
  const auto deadline = timeout_seconds > 0 ? start + std::chrono::duration_cast<Clock::duration>(
                                                          std::chrono::duration<double>(timeout_seconds))
                                            : Clock::time_point::max();
  bool timed_out = false, exited = false;
  Clock::time_point killed_at{}, exited_at{};
  int open_streams = 2;
  std::vector<char> buffer(1 << 16);
  pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
  while (true) {
    const auto now = Clock::now();
    if (!exited && !timed_out && now >= deadline) {
      timed_out = true;
      killed_at = now;
      ::kill(-pid, SIGTERM);
    }
    if (timed_out && now >= killed_at + term_grace) ::kill(-pid, SIGKILL);
    // Once the command has exited, what it left in the pipes is read; a
    // daemon it forked that keeps them open is killed with its group.
    if (exited && (open_streams == 0 || now >= exited_at + std::chrono::milliseconds(200))) break;
    if (pidfd < 0 && open_streams == 0) break;  // no pidfd: the end of its output is its end
    const int ready = ::poll(fds, pidfd >= 0 && !exited ? 3 : 2, 100);
    if (ready < 0 && errno != EINTR) break;
    for (int s = 0; s < 2; ++s) {
      if (fds[s].fd < 0 || (fds[s].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::read(fds[s].fd, buffer.data(), buffer.size());
      if (got > 0) {
        const std::string_view bytes(buffer.data(), static_cast<std::size_t>(got));
        if (s == 0) out.feed(bytes);
        else keep_tail(err_tail, bytes);
        log(s, bytes);
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(fds[s].fd);
        fds[s].fd = -1;
        --open_streams;
      }
    }
    if (!exited && pidfd >= 0 && (fds[2].revents & POLLIN) != 0) {
      exited = true;
      exited_at = Clock::now();
      ::kill(-pid, SIGKILL);  // whatever of its group outlives it
    }
  }
  for (int s = 0; s < 2; ++s) {
    if (fds[s].fd >= 0) ::close(fds[s].fd);
  }
  if (pidfd >= 0) ::close(pidfd);
  out.finish();
  ::kill(-pid, SIGKILL);
  int status = 0;
  try {
    status = server.reap(pid);
  } catch (...) {
    command_ended(pid);
    throw;
  }
  command_ended(pid);
  if (abandoning_commands()) return {"abandoned at the end of the grace period", false, true};
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  IsolatedAttempt outcome;
  if (timed_out) {
    outcome = {fmt::format("timed out after {:.3g} s (timeout = {}): its process group was killed{}", seconds,
                           timeout_seconds, stderr_note(err_tail)),
               true};
  } else if (WIFSIGNALED(status)) {
    outcome = {command_exit(status) + stderr_note(err_tail), true};
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    outcome = {command_exit(status) + stderr_note(err_tail), false};
  } else {
    const std::string problem = read_outputs(job, request, params, out, values, texts);
    outcome = {problem.empty() ? problem : problem + stderr_note(err_tail), false};
  }
  if (limits.log != nullptr) {
    const std::string ended = timed_out ? fmt::format("timed out after {:.3g} s", seconds) : command_exit(status);
    limits.log->write(request.task, request.attempt, LogStream::end, ended);
  }
  if (files && !files->problem().empty() && outcome.problem.empty()) outcome.problem = files->problem();
  return outcome;
}

}  // namespace partita::launch
