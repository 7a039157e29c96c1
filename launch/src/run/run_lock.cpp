#include "run/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <cstring>
#include <string>
#include <string_view>

namespace partita::launch {

namespace {

constexpr std::string_view stopping_mark = ", stopping";

// "pid 123 on host" (", stopping" once a signal came), as the holder wrote it.
std::string holder_of(int fd) {
  char holder[256] = {};
  const auto got = ::pread(fd, holder, sizeof holder - 1, 0);
  return got > 0 ? std::string(holder, static_cast<std::size_t>(got)) : std::string();
}

}  // namespace

RunLock::RunLock(const std::filesystem::path& output_dir) {
  const auto path = output_dir / ".partita.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);  // the umask decides
  if (fd < 0) {
    problem_ = "cannot open " + path.string() + ": " + std::strerror(errno);
    return;
  }
  // The ranks of a run stopped by a signal may still be writing for a moment
  // after mpirun has returned: an immediate --resume waits for a holder that
  // said it is stopping, never for one that is running.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0 && holder_of(fd).ends_with(stopping_mark) &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = holder_of(fd);
    problem_ = "output directory '" + output_dir.string() + "' is in use by another partita run (" +
               (holder.empty() ? std::string("unknown process") : holder) +
               (holder.ends_with(stopping_mark) ? ", still not ended after 10 s" : "") +
               "): wait for it to end, or stop it, then --resume";
    ::close(fd);
    return;
  }
  char host[128] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string who = "pid " + std::to_string(::getpid()) + " on " + host;
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
