// An append-only, crash-safe journal of task results: one file per rank per
// run, written as tasks finish and read back to resume a killed job. Every
// record carries a CRC-32, so a torn tail left by a crash is dropped, never
// misread. Files are little-endian binary (engine/src/journal_format.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "partita/version.hpp"

namespace partita {

/// Who wrote a journal file; written once at its start, under its own CRC.
struct JournalHeader {
  std::string job_identity;  ///< arbitrary text naming the job (e.g. a hash of its spec); may be long
  std::string partita_version = version_string;
  std::uint32_t outputs_per_task = 0;  ///< every result record holds exactly this many values
  std::uint32_t rank = 0;
  std::uint32_t run = 0;  ///< 0 for the first run of a job, +1 for each resume

  friend bool operator==(const JournalHeader&, const JournalHeader&) = default;
};

struct JournalOptions {
  /// Flush once this many records wait in memory (>= 1).
  std::uint64_t flush_records = 1024;
  /// ...or once this long has passed since the last flush (>= 0), checked on
  /// each append and by flush_if_due().
  double flush_seconds = 2.0;
  /// fdatasync after each flush, so a flushed record survives a power cut,
  /// not only a killed process. Off only for tests and throwaway runs.
  bool sync = true;
};

/// Appends records to one journal file. Records are buffered in memory and
/// written in batches; a record is safe from a killed process once a flush
/// that included it returned, and from a power cut too when options.sync.
class JournalWriter {
 public:
  /// Creates `path` (never overwrites: throws partita::Error naming the path
  /// if it exists), writes the header and, when options.sync, syncs it and
  /// its directory entry. If writing the header fails the file is removed.
  JournalWriter(std::filesystem::path path, const JournalHeader& header, JournalOptions options = {});
  /// Flushes what is buffered and closes the file; never throws. An error here
  /// is lost with the object: call close() first to see it.
  ~JournalWriter();
  JournalWriter(JournalWriter&&) noexcept;
  JournalWriter& operator=(JournalWriter&&) noexcept;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  /// Buffers a result record. Thread-safe; the record's bytes are encoded
  /// and checksummed outside the lock. values.size() must equal the header's
  /// outputs_per_task. May flush (see JournalOptions): if that flush fails
  /// this throws partita::Error and the record stays buffered for a retry.
  /// If another thread is already flushing, this one does not wait for it.
  /// `text` (any bytes, e.g. a caller's encoding of text outputs) is kept
  /// with the values and read back as the record's message.
  void append_result(std::uint64_t task, std::uint32_t attempt, std::span<const double> values,
                     std::string_view text = {});
  /// Buffers a failure record (the kernel's message, any bytes). Thread-safe;
  /// flushes and throws as append_result does.
  void append_failure(std::uint64_t task, std::uint32_t attempt, std::string_view message);
  /// Buffers a crash record: one attempt that killed the process running it
  /// (a launcher's isolated worker), not a task's final verdict. Thread-safe;
  /// flushes and throws as append_result does.
  void append_crash(std::uint64_t task, std::uint32_t attempt, std::string_view message);

  /// Writes every record appended before the call (waiting for a flush other
  /// threads have begun) and, when options.sync, fdatasyncs them. Thread-safe.
  /// On failure (ENOSPC, EIO, ...) throws partita::Error with the path and
  /// the system's reason, and keeps the records: a later flush retries them,
  /// rewriting at the same file offset, so nothing is written twice.
  void flush();
  /// flush() if records wait and the flush_records or flush_seconds limit is
  /// reached (or a failed flush is due a retry); otherwise a cheap no-op.
  /// Thread-safe; meant for a caller's periodic timer.
  void flush_if_due();
  /// flush(), then closes the file, reporting errors by throwing
  /// partita::Error. Appending afterwards throws. Not to be called while
  /// other threads append.
  void close();

  /// False while the last flush attempt failed (records wait for a retry).
  /// Thread-safe.
  bool healthy() const;
  /// The message of the most recent failed flush, even if a later retry
  /// succeeded; empty if none ever failed. Thread-safe.
  std::string last_error() const;
  /// Records written by successful flushes (synced, when options.sync).
  /// Thread-safe.
  std::uint64_t records_written() const noexcept;
  /// The file's path, as given. Thread-safe.
  const std::filesystem::path& path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The kind byte of a record. A reader skips kinds it does not know (counted
/// in JournalContents::skipped_records), so a kind that older readers may
/// safely ignore can be added without a new format version; a kind that
/// changes the meaning of others needs one.
enum class JournalRecordKind : std::uint8_t { result = 1, failure = 2, crash = 3 };

struct JournalRecord {
  JournalRecordKind kind = JournalRecordKind::result;
  std::uint64_t task = 0;
  std::uint32_t attempt = 0;
  std::vector<double> values;  ///< result records only, bitwise as written
  std::string message;         ///< failure and crash records: the message; result records: their text

  friend bool operator==(const JournalRecord&, const JournalRecord&) = default;
};

struct JournalContents {
  /// False only when the file ends inside its header (a crash while it was
  /// being created; a zero-length file; a file of zeros, which a crash can
  /// leave when the file's length reached the disk before its bytes): then every header field is
  /// empty or 0, records is empty and torn is true. Such a file holds no
  /// records.
  bool has_header = false;
  JournalHeader header;
  std::vector<JournalRecord> records;  ///< in file order
  /// True when the file ends in a torn or corrupt part (or a truncated
  /// header); dropped_bytes are the bytes from there to the end, not trusted.
  bool torn = false;
  std::uint64_t dropped_bytes = 0;
  std::uint64_t skipped_records = 0;  ///< intact records of kinds this build does not know
};

/// Reads a journal file. Reentrant; may run while a writer appends (it
/// returns what was flushed so far, maybe with torn set).
/// Returns every record before the first one whose magic, length or CRC is
/// wrong; nothing after that point is trusted (see torn, dropped_bytes).
/// A file that ends inside its header is returned with has_header = false
/// (see JournalContents). Throws partita::Error naming the file if it cannot
/// be read, is not a Partita journal, has another format version, or has a
/// complete header whose checksum or layout is wrong.
JournalContents read_journal(const std::filesystem::path& path);

/// Every regular file named *.journal directly in `dir`, sorted by name; none
/// if `dir` does not exist. Throws partita::Error if it cannot be listed.
/// Thread-safe.
std::vector<std::filesystem::path> journal_files(const std::filesystem::path& dir);

}  // namespace partita
