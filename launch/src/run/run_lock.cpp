#include "run/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <cstring>
#include <string>

namespace partita::launch {

RunLock::RunLock(const std::filesystem::path& output_dir) {
  const auto path = output_dir / ".partita.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);  // the umask decides
  if (fd < 0) {
    problem_ = "cannot open " + path.string() + ": " + std::strerror(errno);
    return;
  }
  // The ranks of a run stopped by a signal may still be writing for a moment
  // after mpirun has returned: an immediate --resume waits for them.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[256] = {};
    [[maybe_unused]] const auto got = ::pread(fd, holder, sizeof holder - 1, 0);
    problem_ = "output directory '" + output_dir.string() + "' is in use by another partita run (" +
               (holder[0] != '\0' ? std::string(holder) : std::string("unknown process")) +
               "; waited 5 s for it to end): wait for it to end, or stop it, then --resume";
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

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace partita::launch
