// Every byte command tasks write to stdout and stderr, in one append-only
// file per rank: DIR/logs/rank-R.log. Never one file per task (millions of
// small files are what breaks shared file systems), and never more than one
// pipe read in memory: output of any size costs disk, not RAM.
//
// The file is a sequence of frames, each written with one write(2):
//
//   "PLG1" | length u32 | run u32 | attempt u32 | task u64 | stream u8 | 0 0 0
//          | payload (length bytes) | CRC-32 of everything after the magic
//
// (little-endian). A rank killed mid-write leaves at most one torn frame;
// the next run appends after it, and the reader resynchronises on the next
// magic whose frame checks, so a torn frame costs only its own bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "partita/error.hpp"

namespace partita::launch {

enum class LogStream : std::uint8_t {
  out = 1,  ///< the task's stdout
  err = 2,  ///< its stderr
  end = 3,  ///< how the attempt ended ("exited with status 0", ...), once per attempt
};

/// DIR/logs.
std::filesystem::path task_log_dir(const std::filesystem::path& output_dir);
/// DIR/logs/rank-R.log.
std::filesystem::path task_log_path(const std::filesystem::path& output_dir, int rank);

/// One rank's log, shared by its worker threads (each frame is written
/// whole under a lock, so frames of concurrent tasks interleave but never
/// mix).
class TaskLogWriter {
 public:
  /// Opens (creates, or appends to) `file`. Throws IoError naming it.
  TaskLogWriter(std::filesystem::path file, std::uint32_t run);
  ~TaskLogWriter();
  TaskLogWriter(const TaskLogWriter&) = delete;
  TaskLogWriter& operator=(const TaskLogWriter&) = delete;

  /// Appends one frame. A write that fails (a full disk) is remembered, not
  /// thrown: the task it belongs to still finishes and is journaled, and
  /// the rank stops starting tasks once failed() says so.
  void write(std::uint64_t task, std::uint32_t attempt, LogStream stream, std::string_view bytes) noexcept;
  bool failed() const noexcept;
  /// Why the first write failed, naming the file ("" if none did).
  std::string last_error() const;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  std::uint32_t run_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::string error_;
};

/// One frame as read back.
struct LogFrame {
  std::uint32_t run = 0;
  std::uint32_t attempt = 0;
  std::uint64_t task = 0;
  LogStream stream = LogStream::out;
  std::string_view payload;  ///< valid only during the callback
};

/// Calls `each` for every intact frame of `file`, in file order; returns
/// the number of bytes skipped as torn or corrupt. Throws partita::Error
/// when the file cannot be read.
std::uint64_t read_task_log(const std::filesystem::path& file, const std::function<void(const LogFrame&)>& each);

}  // namespace partita::launch
