#include "command/task_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "output/atomic_file.hpp"
#include "partita/detail/crc32.hpp"
#include "partita/error.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

constexpr std::array<char, 4> magic{'P', 'L', 'G', '1'};
constexpr std::size_t header_bytes = 28;
constexpr std::size_t crc_bytes = 4;
// Far above one pipe read (64 KiB): a longer length is corruption.
constexpr std::uint32_t max_payload = 1u << 24;

template <class T>
void put(std::byte* at, T value) noexcept {
  for (std::size_t i = 0; i < sizeof(T); ++i) at[i] = static_cast<std::byte>((value >> (8 * i)) & 0xff);
}

template <class T>
T get(const std::byte* at) noexcept {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) value |= static_cast<T>(std::to_integer<std::uint8_t>(at[i])) << (8 * i);
  return value;
}

bool is_magic(const std::byte* at) noexcept { return std::memcmp(at, magic.data(), magic.size()) == 0; }

}  // namespace

fs::path task_log_dir(const fs::path& output_dir) { return output_dir / "logs"; }

fs::path task_log_path(const fs::path& output_dir, int rank) {
  return task_log_dir(output_dir) / fmt::format("rank-{}.log", rank);
}

TaskLogWriter::TaskLogWriter(fs::path file, std::uint32_t run) : path_(std::move(file)), run_(run) {
  std::error_code ec;
  fs::create_directories(path_.parent_path(), ec);
  if (ec) throw IoError(fmt::format("cannot create the task log directory {}: {}", path_.parent_path().string(), ec.message()));
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(fmt::format("cannot open the task log {}: {}", path_.string(), std::strerror(errno)));
}

TaskLogWriter::~TaskLogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void TaskLogWriter::write(std::uint64_t task, std::uint32_t attempt, LogStream stream, std::string_view bytes) noexcept {
  // Longer than a frame may be (never, from a pipe read): several frames.
  while (bytes.size() > max_payload) {
    write(task, attempt, stream, bytes.substr(0, max_payload));
    bytes.remove_prefix(max_payload);
  }
  std::array<std::byte, header_bytes> head{};
  std::memcpy(head.data(), magic.data(), magic.size());
  put<std::uint32_t>(head.data() + 4, static_cast<std::uint32_t>(bytes.size()));
  put<std::uint32_t>(head.data() + 8, run_);
  put<std::uint32_t>(head.data() + 12, attempt);
  put<std::uint64_t>(head.data() + 16, task);
  head[24] = static_cast<std::byte>(stream);
  const auto payload = std::as_bytes(std::span(bytes.data(), bytes.size()));
  std::array<std::byte, crc_bytes> tail{};
  put<std::uint32_t>(tail.data(), detail::crc32(payload, detail::crc32(std::span(head).subspan(4))));
  iovec parts[3] = {{head.data(), head.size()},
                    {const_cast<char*>(bytes.data()), bytes.size()},
                    {tail.data(), tail.size()}};
  const std::size_t total = head.size() + bytes.size() + tail.size();
  std::lock_guard lock(mutex_);
  if (!error_.empty()) return;  // after a failure, nothing more: the frames already written stay readable
  const ssize_t wrote = ::writev(fd_, parts, 3);
  if (wrote == static_cast<ssize_t>(total)) return;
  // A short write on a regular file is a full disk; the torn frame it
  // leaves is skipped by the reader.
  const int err = wrote < 0 ? errno : ENOSPC;
  error_ = fmt::format("cannot write the task log {}: {}", path_.string(), std::strerror(err));
}

bool TaskLogWriter::failed() const noexcept {
  std::lock_guard lock(mutex_);
  return !error_.empty();
}

std::string TaskLogWriter::last_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::uint64_t read_task_log(const fs::path& file, const std::function<void(const LogFrame&)>& each) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(fmt::format("cannot open {}: {}", file.string(), std::strerror(errno)));
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw Error(fmt::format("{}: not a regular file", file.string()));
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  if (size == 0) {
    ::close(fd);
    return 0;
  }
  // Mapped, not read: a log may be far larger than memory.
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) throw Error(fmt::format("cannot map {}: {}", file.string(), std::strerror(errno)));
  struct Unmap {
    void* at;
    std::size_t size;
    ~Unmap() { ::munmap(at, size); }
  } unmap{mapped, size};
  ::madvise(mapped, size, MADV_SEQUENTIAL);
  const auto* bytes = static_cast<const std::byte*>(mapped);
  std::uint64_t skipped = 0;
  std::size_t at = 0;
  while (at + header_bytes + crc_bytes <= size) {
    const std::byte* frame = bytes + at;
    const std::uint32_t length = get<std::uint32_t>(frame + 4);
    const bool whole = is_magic(frame) && length <= max_payload && size - at - header_bytes - crc_bytes >= length;
    if (whole) {
      const std::uint32_t crc = detail::crc32({frame + 4, header_bytes - 4 + length});
      if (crc == get<std::uint32_t>(frame + header_bytes + length)) {
        const auto* payload = reinterpret_cast<const char*>(frame + header_bytes);
        each({get<std::uint32_t>(frame + 8), get<std::uint32_t>(frame + 12), get<std::uint64_t>(frame + 16),
              static_cast<LogStream>(frame[24]), std::string_view(payload, length)});
        at += header_bytes + length + crc_bytes;
        continue;
      }
    }
    // Torn or corrupt: resynchronise on the next magic.
    std::size_t next = at + 1;
    while (next + magic.size() <= size && !is_magic(bytes + next)) ++next;
    skipped += next - at;
    at = next;
  }
  skipped += size > at ? size - at : 0;
  return skipped;
}

}  // namespace partita::launch
