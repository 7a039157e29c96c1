#include "run/run_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

namespace partita::launch {

namespace {

constexpr std::string_view stopping_mark = ", stopping";

// "pid 123 on host, parent 120" (", stopping" once a signal came), as the holder wrote it.
std::string holder_of(int fd) {
  char holder[256] = {};
  const auto got = ::pread(fd, holder, sizeof holder - 1, 0);
  return got > 0 ? std::string(holder, static_cast<std::size_t>(got)) : std::string();
}

std::string host_name() {
  char host[128] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

// The parent of a live process on this host, or -1 (gone, or not readable).
long parent_of(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return -1;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const auto end_of_comm = line.rfind(')');
  if (end_of_comm == std::string::npos) return -1;
  char state = 0;
  long ppid = -1;
  if (std::sscanf(line.c_str() + end_of_comm + 1, " %c %ld", &state, &ppid) != 2 || state == 'Z') return -1;
  return ppid;
}

// A holder is ending when it said so (a signal reached it), or when it runs
// on this host but the process that started it (mpirun, orted, srun's step,
// a shell) has gone: a second Ctrl-C makes mpirun exit at once while its
// ranks, which never saw a signal, go on for a second or two until Open MPI
// tears them down.
bool holder_is_ending(const std::string& holder) {
  if (holder.ends_with(stopping_mark)) return true;
  long pid = 0;
  long parent = 0;
  char host[128] = {};
  if (std::sscanf(holder.c_str(), "pid %ld on %127[^,], parent %ld", &pid, host, &parent) != 3) return false;
  if (host != host_name()) return false;
  const long now = parent_of(pid);
  return now != -1 && now != parent;
}

}  // namespace

RunLock::RunLock(const std::filesystem::path& output_dir) {
  const auto path = output_dir / ".partita.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);  // the umask decides
  if (fd < 0) {
    problem_ = "cannot open " + path.string() + ": " + std::strerror(errno);
    return;
  }
  // The ranks of a run being stopped may still be writing for a moment after
  // mpirun has returned: an immediate --resume waits for a holder that is
  // ending, never for one that is running.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool waited = false;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0 && holder_is_ending(holder_of(fd)) &&
         std::chrono::steady_clock::now() < give_up) {
    waited = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = holder_of(fd);
    problem_ = "output directory '" + output_dir.string() + "' is in use by another partita run (" +
               (holder.empty() ? std::string("unknown process") : holder) +
               (waited ? ", ending but still not ended after 10 s" : "") +
               "): wait for it to end, or stop it, then --resume";
    ::close(fd);
    return;
  }
  const std::string who =
      "pid " + std::to_string(::getpid()) + " on " + host_name() + ", parent " + std::to_string(::getppid());
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const auto wrote = ::pwrite(fd, who.data(), who.size(), 0);
  }
  fd_ = fd;
}

void RunLock::mark_stopping() noexcept {
  if (fd_ < 0) return;
  const std::string who = holder_of(fd_);
  if (who.ends_with(stopping_mark)) return;
  const std::string marked = who + std::string(stopping_mark);
  [[maybe_unused]] const auto wrote = ::pwrite(fd_, marked.data(), marked.size(), 0);
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace partita::launch
