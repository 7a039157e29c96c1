#include "run/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
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
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[256] = {};
    [[maybe_unused]] const auto got = ::pread(fd, holder, sizeof holder - 1, 0);
    problem_ = "output directory '" + output_dir.string() + "' is in use by another partita run (" +
               (holder[0] != '\0' ? std::string(holder) : std::string("unknown process")) +
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

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace partita::launch
