// JournalWriter: records are encoded and checksummed by the calling thread,
// appended to a shared in-memory buffer under a short lock, and written in
// batches. Writing happens under a second lock, so threads keep appending
// while one of them waits for the disk.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "partita/detail/crc32.hpp"
#include "journal_format.hpp"
#include "partita/error.hpp"
#include "partita/journal.hpp"

namespace partita {

namespace {

namespace format = detail::journal;

// Every append reads the clock to see whether a flush is due. The coarse
// clock costs ~3 ns a read where steady_clock costs ~45 ns (a third of an
// append, measured here); its resolution of a few ms is plenty for a flush
// period of seconds.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock>;
  static time_point now() noexcept {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    return time_point(std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec));
  }
};

std::string system_error(const std::filesystem::path& path, const char* action, int error) {
  // std::error_code's message, unlike std::strerror, is safe from any thread.
  return "cannot " + std::string(action) + " journal " + path.string() + ": " +
         std::error_code(error, std::generic_category()).message();
}

// Returns 0, or the errno that stopped it. pwrite at an explicit offset, not
// write at the file position, so that a retry after a failure rewrites the
// same bytes in place whatever part of them already reached the file.
int write_all(int fd, std::span<const std::byte> bytes, off_t offset) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // no progress and no reason: do not spin
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    offset += n;
  }
  return 0;
}

int sync_data(int fd) {
  while (::fdatasync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

// A new file's name is durable only once its directory is synced.
int sync_directory_of(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int error = ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  return error;
}

std::vector<std::byte> encode_header(const std::filesystem::path& path, const JournalHeader& h) {
  const std::size_t payload = 4 + h.job_identity.size() + 4 + h.partita_version.size() + 3 * 4;
  if (payload > format::max_payload) {
    throw Error("journal " + path.string() + ": job identity of " + std::to_string(h.job_identity.size()) +
                " bytes: must be under " + std::to_string(format::max_payload) + " bytes");
  }
  std::vector<std::byte> out(format::header_prefix + payload + format::crc_bytes);
  std::byte* p = out.data();
  std::memcpy(p, format::file_magic.data(), format::file_magic.size());
  format::put(p + 16, format::format_version);
  format::put(p + 20, static_cast<std::uint32_t>(payload));
  p += format::header_prefix;
  for (const std::string* text : {&h.job_identity, &h.partita_version}) {
    format::put(p, static_cast<std::uint32_t>(text->size()));
    if (!text->empty()) std::memcpy(p + 4, text->data(), text->size());
    p += 4 + text->size();
  }
  format::put(p, h.outputs_per_task);
  format::put(p + 4, h.rank);
  format::put(p + 8, h.run);
  p += 12;
  format::put(p, detail::crc32({out.data() + 20, 4 + payload}));
  return out;
}

// One record's bytes, on the stack when small (a result of a few doubles), so
// the hot path does not allocate.
class RecordBytes {
 public:
  explicit RecordBytes(std::size_t payload) : size_(format::record_prefix + payload + format::crc_bytes) {
    if (size_ > small_.size()) large_.resize(size_);
  }
  std::byte* payload() { return data() + format::record_prefix; }
  // Frames the payload: magic and length before it, CRC of both after it.
  std::span<const std::byte> seal() {
    std::byte* p = data();
    const auto length = static_cast<std::uint32_t>(size_ - format::record_prefix - format::crc_bytes);
    format::put(p, format::record_magic);
    format::put(p + 4, length);
    format::put(p + format::record_prefix + length, detail::crc32({p + 4, 4 + std::size_t{length}}));
    return {p, size_};
  }

 private:
  std::byte* data() { return size_ > small_.size() ? large_.data() : small_.data(); }

  std::size_t size_;
  std::array<std::byte, 256> small_;
  std::vector<std::byte> large_;
};

std::byte* put_common(std::byte* p, JournalRecordKind kind, std::uint64_t task, std::uint32_t attempt) {
  p[0] = static_cast<std::byte>(kind);
  format::put(p + 1, task);
  format::put(p + 9, attempt);
  return p + format::common_payload;
}

}  // namespace

struct JournalWriter::Impl {
  Impl(std::filesystem::path file, const JournalHeader& header, const JournalOptions& opts);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void append(std::span<const std::byte> record);
  bool due(Clock::time_point now) const;  // needs buffer_mutex
  void flush_locked();                    // needs flush_mutex

  const std::filesystem::path path;
  const JournalOptions options;
  const std::uint32_t outputs_per_task;
  Clock::duration flush_interval{};
  int fd = -1;

  // Appending side: short critical sections only.
  mutable std::mutex buffer_mutex;
  std::vector<std::byte> pending;
  std::uint64_t pending_records = 0;
  Clock::time_point due_at;
  bool failed = false;  // the last flush attempt failed
  bool closed = false;
  std::string last_error;

  // Writing side, held across write and fdatasync. unsynced holds the bytes
  // from file offset durable_end on that no flush has yet completed: after a
  // failure they stay here and the next flush rewrites them at that offset.
  std::mutex flush_mutex;
  std::vector<std::byte> unsynced;
  std::uint64_t unsynced_records = 0;
  off_t durable_end = 0;

  std::atomic<std::uint64_t> written{0};
};

JournalWriter::Impl::Impl(std::filesystem::path file, const JournalHeader& header, const JournalOptions& opts)
    : path(std::move(file)), options(opts), outputs_per_task(header.outputs_per_task) {
  if (options.flush_records < 1) {
    throw Error("journal " + path.string() + ": flush_records = 0: must be >= 1");
  }
  if (!(options.flush_seconds >= 0)) {
    throw Error("journal " + path.string() + ": flush_seconds = " + std::to_string(options.flush_seconds) +
                ": must be >= 0");
  }
  if (std::size_t{outputs_per_task} > (format::max_payload - format::result_payload_fixed) / sizeof(double)) {
    throw Error("journal " + path.string() + ": outputs_per_task = " + std::to_string(outputs_per_task) +
                ": a result record would exceed the journal's record limit");
  }
  // Capped at ~31 years so that now + interval cannot overflow.
  flush_interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(std::min(options.flush_seconds, 1e9)));
  const std::vector<std::byte> head = encode_header(path, header);
  pending.reserve(64 * 1024);  // before the file exists, so a bad_alloc leaves nothing behind
  unsynced.reserve(64 * 1024);

  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // the umask decides, as for every output
  if (fd < 0) {
    if (errno == EEXIST) {
      throw Error("journal " + path.string() + " already exists: a journal is never overwritten");
    }
    throw Error(system_error(path, "create", errno));
  }
  int error = write_all(fd, head, 0);
  const char* action = "write the header of";
  if (error == 0 && options.sync) {
    action = "sync";
    error = sync_data(fd);
    if (error == 0) error = sync_directory_of(path);
  }
  if (error != 0) {
    // The file is ours (O_EXCL): remove it so that a retry can create it.
    ::close(fd);
    ::unlink(path.c_str());
    throw Error(system_error(path, action, error));
  }
  durable_end = static_cast<off_t>(head.size());
  due_at = Clock::now() + flush_interval;
}

JournalWriter::Impl::~Impl() {
  if (fd < 0) return;
  try {
    std::lock_guard lock(flush_mutex);
    flush_locked();
  } catch (...) {
    // A destructor must not throw; close() is the way to see this error.
  }
  ::close(fd);
}

bool JournalWriter::Impl::due(Clock::time_point now) const {
  return pending_records >= options.flush_records || (now >= due_at && (pending_records > 0 || failed));
}

void JournalWriter::Impl::append(std::span<const std::byte> record) {
  const Clock::time_point now = Clock::now();  // outside the lock: keep the critical section short
  bool flush_now = false;
  {
    std::lock_guard lock(buffer_mutex);
    if (closed) throw Error("journal " + path.string() + " is closed: cannot append");
    pending.insert(pending.end(), record.begin(), record.end());
    ++pending_records;
    flush_now = due(now);
  }
  if (!flush_now) return;
  // A thread already flushing will be followed by the next due append; this
  // one goes back to work rather than queue behind the disk.
  std::unique_lock flushing(flush_mutex, std::try_to_lock);
  if (flushing.owns_lock()) flush_locked();
}

void JournalWriter::Impl::flush_locked() {
  {
    std::lock_guard lock(buffer_mutex);
    if (unsynced.empty()) {
      unsynced.swap(pending);  // the common case: no copy, and capacity ping-pongs
    } else {
      unsynced.insert(unsynced.end(), pending.begin(), pending.end());
      pending.clear();
    }
    unsynced_records += pending_records;
    pending_records = 0;
    due_at = Clock::now() + flush_interval;
  }
  if (unsynced.empty()) return;

  int error = write_all(fd, unsynced, durable_end);
  const char* action = "write";
  if (error == 0 && options.sync) {
    // After a failed fdatasync the kernel may have dropped the dirty pages;
    // that is why the retry rewrites the bytes rather than only re-syncing.
    action = "sync";
    error = sync_data(fd);
  }
  if (error != 0) {
    std::string message = system_error(path, action, error) + " (" + std::to_string(unsynced_records) +
                          " records kept in memory for a retry)";
    {
      std::lock_guard lock(buffer_mutex);
      failed = true;
      last_error = message;
    }
    throw Error(message);
  }
  durable_end += static_cast<off_t>(unsynced.size());
  written.fetch_add(unsynced_records, std::memory_order_relaxed);
  unsynced.clear();
  unsynced_records = 0;
  std::lock_guard lock(buffer_mutex);
  failed = false;
}

namespace {

// A failure or crash record: the common fields, then the message. A message
// past the record limit (1 GiB) is cut: the event itself must be recorded.
// Hands the sealed bytes to `append`.
template <class Append>
void append_message(JournalRecordKind kind, std::uint64_t task, std::uint32_t attempt, std::string_view message,
                    Append&& append) {
  message = message.substr(0, format::max_payload - format::common_payload);
  RecordBytes record(format::common_payload + message.size());
  std::byte* p = put_common(record.payload(), kind, task, attempt);
  if (!message.empty()) std::memcpy(p, message.data(), message.size());
  append(record.seal());
}

}  // namespace

JournalWriter::JournalWriter(std::filesystem::path path, const JournalHeader& header, JournalOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), header, options)) {}

JournalWriter::~JournalWriter() = default;
JournalWriter::JournalWriter(JournalWriter&&) noexcept = default;
JournalWriter& JournalWriter::operator=(JournalWriter&&) noexcept = default;

void JournalWriter::append_result(std::uint64_t task, std::uint32_t attempt, std::span<const double> values,
                                  std::string_view text) {
  if (values.size() != impl_->outputs_per_task) {
    throw Error("journal " + impl_->path.string() + ": task " + std::to_string(task) + " has " +
                std::to_string(values.size()) + " values: the header says " +
                std::to_string(impl_->outputs_per_task) + " outputs per task");
  }
  if (text.size() > format::max_payload - format::result_payload_fixed - values.size_bytes()) {
    throw Error("journal " + impl_->path.string() + ": task " + std::to_string(task) + " has " +
                std::to_string(text.size()) + " bytes of text outputs, more than a record holds");
  }
  RecordBytes record(format::result_payload_fixed + values.size_bytes() + text.size());
  std::byte* p = put_common(record.payload(), JournalRecordKind::result, task, attempt);
  format::put(p, static_cast<std::uint32_t>(values.size()));
  if (!values.empty()) std::memcpy(p + 4, values.data(), values.size_bytes());
  if (!text.empty()) std::memcpy(p + 4 + values.size_bytes(), text.data(), text.size());
  impl_->append(record.seal());
}

void JournalWriter::append_failure(std::uint64_t task, std::uint32_t attempt, std::string_view message) {
  append_message(JournalRecordKind::failure, task, attempt, message, [this](auto bytes) { impl_->append(bytes); });
}

void JournalWriter::append_crash(std::uint64_t task, std::uint32_t attempt, std::string_view message) {
  append_message(JournalRecordKind::crash, task, attempt, message, [this](auto bytes) { impl_->append(bytes); });
}

void JournalWriter::flush() {
  std::lock_guard lock(impl_->flush_mutex);
  impl_->flush_locked();
}

void JournalWriter::flush_if_due() {
  {
    std::lock_guard lock(impl_->buffer_mutex);
    if (!impl_->due(Clock::now())) return;
  }
  flush();
}

void JournalWriter::close() {
  Impl& s = *impl_;
  std::lock_guard lock(s.flush_mutex);
  if (s.fd < 0) return;
  {
    std::lock_guard buffer(s.buffer_mutex);
    s.closed = true;
  }
  s.flush_locked();  // on failure the file stays open, so close() can be retried
  const int fd = s.fd;
  s.fd = -1;
  if (::close(fd) != 0) throw Error(system_error(s.path, "close", errno));
}

bool JournalWriter::healthy() const {
  std::lock_guard lock(impl_->buffer_mutex);
  return !impl_->failed;
}

std::string JournalWriter::last_error() const {
  std::lock_guard lock(impl_->buffer_mutex);
  return impl_->last_error;
}

std::uint64_t JournalWriter::records_written() const noexcept {
  return impl_->written.load(std::memory_order_relaxed);
}

const std::filesystem::path& JournalWriter::path() const noexcept { return impl_->path; }

}  // namespace partita
