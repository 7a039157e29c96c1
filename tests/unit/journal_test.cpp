#include "partita/journal.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "partita/error.hpp"
#include "scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
using partita::JournalContents;
using partita::JournalHeader;
using partita::JournalOptions;
using partita::JournalRecord;
using partita::JournalRecordKind;
using partita::JournalWriter;
using partita::read_journal;
using Clock = std::chrono::steady_clock;

// CRC-32 (zlib) bit by bit: an independent check of the engine's
// table-driven one, and with it a pin on the file format.
std::uint32_t reference_crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

std::string le32(std::uint32_t v) {
  std::string s(4, '\0');
  std::memcpy(s.data(), &v, 4);
  return s;
}

std::string le64(std::uint64_t v) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &v, 8);
  return s;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

JournalHeader test_header(std::uint32_t outputs = 2) {
  JournalHeader h;
  h.job_identity = "job-under-test";
  h.outputs_per_task = outputs;
  h.rank = 3;
  h.run = 2;
  return h;
}

// Never flushes on its own, never syncs: each test flushes when it wants to.
JournalOptions manual() { return {.flush_records = 1'000'000, .flush_seconds = 1e9, .sync = false}; }

std::vector<double> values_of(std::uint64_t task) { return {static_cast<double>(task), -0.5 * static_cast<double>(task)}; }

JournalRecord result(std::uint64_t task, std::uint32_t attempt = 1) {
  return {JournalRecordKind::result, task, attempt, values_of(task), {}};
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const partita::Error& e) {
    return e.what();
  }
  return "(no partita::Error was thrown)";
}

class JournalTest : public partita::unit_test::ScratchDirTest {
 protected:
  fs::path file() const { return dir_ / "rank-3.run-2.journal"; }

  // Writes `count` results (tasks 0..count-1) and returns the file size after
  // each flush: sizes[k] is where record k begins, sizes[count] the end.
  std::vector<std::uintmax_t> write_results(std::uint64_t count) {
    JournalWriter w(file(), test_header(), manual());
    std::vector<std::uintmax_t> sizes{fs::file_size(file())};
    for (std::uint64_t t = 0; t < count; ++t) {
      w.append_result(t, 1, values_of(t));
      w.flush();
      sizes.push_back(fs::file_size(file()));
    }
    return sizes;
  }
};

TEST_F(JournalTest, ResultsAndFailuresRoundTripBitwise) {
  const std::vector<std::vector<double>> values = {
      {1.5, -0.0},
      {std::bit_cast<double>(std::uint64_t{0x7FF80000DEADBEEF}), std::bit_cast<double>(std::uint64_t{0xFFF0000000000001})},
      {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::denorm_min()},
      {0.0, std::numeric_limits<double>::max()}};
  const std::string message("bad \0 input \xff\n", 14);
  {
    JournalWriter w(file(), test_header(), manual());
    for (std::size_t k = 0; k < values.size(); ++k) w.append_result(10 + k, static_cast<std::uint32_t>(k), values[k]);
    w.append_failure(20, 3, message);
    w.append_failure(21, 0, "");
    w.close();
    EXPECT_EQ(w.records_written(), 6u);
    EXPECT_TRUE(w.healthy());
    EXPECT_EQ(w.last_error(), "");
  }
  const JournalContents c = read_journal(file());
  EXPECT_TRUE(c.has_header);
  EXPECT_FALSE(c.torn);
  EXPECT_EQ(c.dropped_bytes, 0u);
  ASSERT_EQ(c.records.size(), 6u);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const JournalRecord& r = c.records[k];
    EXPECT_EQ(r.kind, JournalRecordKind::result);
    EXPECT_EQ(r.task, 10 + k);
    EXPECT_EQ(r.attempt, k);
    ASSERT_EQ(r.values.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(r.values[i]), std::bit_cast<std::uint64_t>(values[k][i]))
          << "record " << k << " value " << i;
    }
  }
  EXPECT_EQ(c.records[4], (JournalRecord{JournalRecordKind::failure, 20, 3, {}, message}));
  EXPECT_EQ(c.records[5], (JournalRecord{JournalRecordKind::failure, 21, 0, {}, ""}));
}

TEST_F(JournalTest, HeaderFieldsRoundTrip) {
  JournalHeader h;
  h.job_identity = std::string(100'000, 'x') + std::string("\0\n\xfe end", 7);
  h.outputs_per_task = 7;
  h.rank = 12;
  h.run = 5;
  EXPECT_EQ(h.partita_version, partita::version_string);
  JournalWriter(file(), h, manual()).close();
  const JournalContents c = read_journal(file());
  EXPECT_TRUE(c.has_header);
  EXPECT_EQ(c.header, h);
  EXPECT_TRUE(c.records.empty());
  EXPECT_FALSE(c.torn);
}

// The layout documented in engine/src/journal_format.hpp, byte for byte.
TEST_F(JournalTest, FileFormatIsPinned) {
  ASSERT_EQ(reference_crc32("123456789"), 0xCBF43926u);
  {
    JournalWriter w(file(), test_header(), manual());
    w.append_result(0x0102030405060708, 9, std::vector<double>{1.0, -2.0});
    w.append_result(5, 1, std::vector<double>{0.5, 4.0}, "ab");
  }
  const std::string version = partita::version_string;
  const std::string header_payload = le32(14) + "job-under-test" + le32(static_cast<std::uint32_t>(version.size())) +
                                     version + le32(2) + le32(3) + le32(2);
  const std::string header_frame = le32(static_cast<std::uint32_t>(header_payload.size())) + header_payload;
  const std::string header = "PARTITA-JOURNAL\n" + le32(2) + header_frame + le32(reference_crc32(header_frame));
  const std::string record_frame = le32(33) + '\x01' + le64(0x0102030405060708) + le32(9) + le32(2) +
                                   le64(std::bit_cast<std::uint64_t>(1.0)) + le64(std::bit_cast<std::uint64_t>(-2.0));
  const std::string record = "PTJR" + record_frame + le32(reference_crc32(record_frame));
  const std::string text_frame = le32(35) + '\x01' + le64(5) + le32(1) + le32(2) +
                                 le64(std::bit_cast<std::uint64_t>(0.5)) + le64(std::bit_cast<std::uint64_t>(4.0)) + "ab";
  const std::string with_text = "PTJR" + text_frame + le32(reference_crc32(text_frame));
  EXPECT_EQ(file_bytes(file()), header + record + with_text);
}

// Version 1 (no text in result records) is still read; text reads back as
// the result's message, and a version 1 record with bytes after its values
// is corrupt, as it always was.
TEST_F(JournalTest, ResultTextRoundTripsAndVersionOneFilesStillRead) {
  {
    JournalWriter w(file(), test_header(), manual());
    w.append_result(1, 1, std::vector<double>{1.0, 2.0}, std::string("label\0,\n\xff", 9));
  }
  JournalContents c = read_journal(file());
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].message, std::string("label\0,\n\xff", 9));
  EXPECT_EQ(c.records[0].values, (std::vector<double>{1.0, 2.0}));

  std::string old = file_bytes(file());
  old.replace(16, 4, le32(1));  // the version is outside the header's checksum
  write_bytes(file(), old);
  c = read_journal(file());
  EXPECT_TRUE(c.records.empty());  // text after the values: not a version 1 record
  EXPECT_TRUE(c.torn);

  fs::remove(file());
  {
    JournalWriter w(file(), test_header(), manual());
    w.append_result(1, 1, std::vector<double>{1.0, 2.0});
  }
  old = file_bytes(file());
  old.replace(16, 4, le32(1));
  write_bytes(file(), old);
  c = read_journal(file());
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_FALSE(c.torn);
  EXPECT_EQ(c.records[0].values, (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(c.records[0].message, "");
}

TEST_F(JournalTest, TornTailAtEveryOffsetIsDropped) {
  constexpr std::uint64_t n = 6;
  const auto sizes = write_results(n);
  const std::string whole = file_bytes(file());
  ASSERT_EQ(whole.size(), sizes[n]);

  const JournalContents intact = read_journal(file());
  EXPECT_EQ(intact.records.size(), n);
  EXPECT_FALSE(intact.torn);

  const fs::path cut_file = dir_ / "cut.journal";
  for (std::uintmax_t cut = sizes[n - 1]; cut < sizes[n]; ++cut) {
    write_bytes(cut_file, std::string_view(whole).substr(0, cut));
    const JournalContents c = read_journal(cut_file);
    ASSERT_EQ(c.records.size(), n - 1) << "cut at " << cut;
    for (std::uint64_t t = 0; t + 1 < n; ++t) EXPECT_EQ(c.records[t], result(t));
    EXPECT_EQ(c.torn, cut > sizes[n - 1]) << "cut at " << cut;
    EXPECT_EQ(c.dropped_bytes, cut - sizes[n - 1]);
  }
  // A crash while the file was being created leaves a cut header: no records.
  for (std::uintmax_t cut = 0; cut < sizes[0]; ++cut) {
    write_bytes(cut_file, std::string_view(whole).substr(0, cut));
    const JournalContents c = read_journal(cut_file);
    EXPECT_FALSE(c.has_header) << "cut at " << cut;
    EXPECT_TRUE(c.torn);
    EXPECT_TRUE(c.records.empty());
    EXPECT_EQ(c.dropped_bytes, cut);
    EXPECT_EQ(c.header.job_identity, "");
    EXPECT_EQ(c.header.partita_version, "");
    EXPECT_EQ(c.header.outputs_per_task, 0u);
  }
}

TEST_F(JournalTest, CorruptByteStopsReadingAtItsRecord) {
  constexpr std::uint64_t n = 5;
  const auto sizes = write_results(n);
  const std::string whole = file_bytes(file());
  for (std::uint64_t k : {std::uint64_t{0}, std::uint64_t{2}, n - 1}) {
    for (std::uintmax_t at = sizes[k]; at < sizes[k + 1]; ++at) {
      std::string bad = whole;
      bad[at] = static_cast<char>(bad[at] ^ 0x5A);
      write_bytes(file(), bad);
      const JournalContents c = read_journal(file());
      ASSERT_EQ(c.records.size(), k) << "byte " << at << " of record " << k;
      for (std::uint64_t t = 0; t < k; ++t) EXPECT_EQ(c.records[t], result(t));
      EXPECT_TRUE(c.torn);
      EXPECT_EQ(c.dropped_bytes, whole.size() - sizes[k]);
    }
  }
}

TEST_F(JournalTest, RefusesToOverwrite) {
  write_bytes(file(), "precious");
  const std::string error = error_of([&] { JournalWriter w(file(), test_header(), manual()); });
  EXPECT_NE(error.find(file().string()), std::string::npos) << error;
  EXPECT_NE(error.find("already exists"), std::string::npos) << error;
  EXPECT_EQ(file_bytes(file()), "precious");

  fs::remove(file());
  JournalWriter first(file(), test_header(), manual());
  EXPECT_NE(error_of([&] { JournalWriter second(file(), test_header(), manual()); }).find("already exists"),
            std::string::npos);
}

TEST_F(JournalTest, FlushesEveryFlushRecords) {
  JournalWriter w(file(), test_header(), {.flush_records = 100, .flush_seconds = 1e9, .sync = false});
  const auto header_size = fs::file_size(file());
  for (std::uint64_t t = 0; t < 99; ++t) w.append_result(t, 1, values_of(t));
  EXPECT_EQ(fs::file_size(file()), header_size);
  EXPECT_TRUE(read_journal(file()).records.empty());
  EXPECT_EQ(w.records_written(), 0u);

  w.append_result(99, 1, values_of(99));
  EXPECT_EQ(read_journal(file()).records.size(), 100u);
  EXPECT_EQ(w.records_written(), 100u);

  for (std::uint64_t t = 100; t < 150; ++t) w.append_result(t, 1, values_of(t));
  EXPECT_EQ(read_journal(file()).records.size(), 100u);
  w.flush();
  const JournalContents c = read_journal(file());
  ASSERT_EQ(c.records.size(), 150u);
  for (std::uint64_t t = 0; t < 150; ++t) EXPECT_EQ(c.records[t], result(t));
}

TEST_F(JournalTest, FlushesAfterFlushSeconds) {
  using namespace std::chrono_literals;
  constexpr auto period = 200ms;
  auto last_flush = Clock::now();
  JournalWriter w(file(), test_header(), {.flush_records = 1'000'000, .flush_seconds = 0.2, .sync = false});
  w.append_result(0, 1, values_of(0));
  w.flush_if_due();
  // A slow machine (sanitizers) may pass the period here: check only if not.
  if (Clock::now() - last_flush < period) {
    EXPECT_EQ(read_journal(file()).records.size(), 0u);
  }

  std::this_thread::sleep_for(period + 50ms);
  w.flush_if_due();  // the caller's periodic timer
  EXPECT_EQ(read_journal(file()).records.size(), 1u);

  last_flush = Clock::now();
  w.append_result(1, 1, values_of(1));
  if (Clock::now() - last_flush < period) {
    EXPECT_EQ(read_journal(file()).records.size(), 1u);
  }
  std::this_thread::sleep_for(period + 50ms);
  w.append_result(2, 1, values_of(2));  // an append notices the time too
  EXPECT_EQ(read_journal(file()).records.size(), 3u);

  w.flush_if_due();  // nothing waits: a no-op
  EXPECT_EQ(w.records_written(), 3u);
}

TEST_F(JournalTest, ConcurrentAppendsArriveExactlyOnce) {
  constexpr std::uint64_t threads = 4;
  constexpr std::uint64_t per_thread = 10'000;
  {
    // A small batch, so that flushes by appenders and by the timer thread
    // overlap with appends all the time.
    JournalWriter w(file(), test_header(), {.flush_records = 97, .flush_seconds = 0.001, .sync = false});
    std::atomic<bool> done{false};
    std::thread timer([&] {
      while (!done.load()) {
        w.flush_if_due();
        EXPECT_TRUE(w.healthy());
        std::this_thread::yield();
      }
    });
    std::vector<std::thread> workers;
    for (std::uint64_t k = 0; k < threads; ++k) {
      workers.emplace_back([&w, k] {
        for (std::uint64_t i = 0; i < per_thread; ++i) {
          const std::uint64_t task = k * per_thread + i;
          if (i % 10 == 9) {
            w.append_failure(task, static_cast<std::uint32_t>(k), "failure " + std::to_string(task));
          } else {
            w.append_result(task, static_cast<std::uint32_t>(k), values_of(task));
          }
        }
      });
    }
    for (auto& t : workers) t.join();
    done = true;
    timer.join();
    w.close();
    EXPECT_EQ(w.records_written(), threads * per_thread);
  }
  const JournalContents c = read_journal(file());
  EXPECT_FALSE(c.torn);
  ASSERT_EQ(c.records.size(), threads * per_thread);
  std::vector<int> seen(threads * per_thread, 0);
  std::vector<std::uint64_t> next(threads, 0);  // each thread's records keep its order
  for (const JournalRecord& r : c.records) {
    ASSERT_LT(r.task, threads * per_thread);
    ++seen[r.task];
    const std::uint64_t k = r.task / per_thread;
    EXPECT_EQ(r.attempt, k);
    EXPECT_EQ(r.task % per_thread, next[k]++);
    if (r.task % 10 == 9) {
      EXPECT_EQ(r.kind, JournalRecordKind::failure);
      EXPECT_EQ(r.message, "failure " + std::to_string(r.task));
    } else {
      EXPECT_EQ(r.kind, JournalRecordKind::result);
      EXPECT_EQ(r.values, values_of(r.task));
    }
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), static_cast<std::ptrdiff_t>(seen.size()));
}

TEST_F(JournalTest, UnreadableHeadersNameTheFile) {
  const auto expect_error = [&](std::string_view bytes, const std::string& what) {
    write_bytes(file(), bytes);
    const std::string error = error_of([&] { read_journal(file()); });
    EXPECT_NE(error.find(file().string()), std::string::npos) << error;
    EXPECT_NE(error.find(what), std::string::npos) << error;
  };
  expect_error("hello, world: this is some other file\n", "not a Partita journal");
  expect_error("PAX", "not a Partita journal");

  JournalWriter(dir_ / "good.journal", test_header(), manual()).close();
  const std::string good = file_bytes(dir_ / "good.journal");
  std::string bad = good;
  bad.replace(16, 4, le32(7));
  expect_error(bad, "journal format version 7, this build reads 1 to 2");
  bad = good;
  bad[30] = static_cast<char>(bad[30] ^ 1);  // inside the job identity
  expect_error(bad, "header checksum mismatch");

  const fs::path missing = dir_ / "missing.journal";
  EXPECT_NE(error_of([&] { read_journal(missing); }).find(missing.string()), std::string::npos);
}

// Documented choice: a file that ends inside its header (a crash while it was
// being created) reads as no records with has_header = false and torn = true,
// rather than as an error, so a resume simply skips it.
TEST_F(JournalTest, ZeroLengthFileHoldsNoRecords) {
  write_bytes(file(), "");
  JournalContents c = read_journal(file());
  EXPECT_FALSE(c.has_header);
  EXPECT_TRUE(c.torn);
  EXPECT_TRUE(c.records.empty());
  EXPECT_EQ(c.dropped_bytes, 0u);

  // A crash can also leave a file's length on disk before its bytes: zeros.
  write_bytes(file(), std::string(100, '\0'));
  c = read_journal(file());
  EXPECT_FALSE(c.has_header);
  EXPECT_TRUE(c.torn);
  EXPECT_EQ(c.dropped_bytes, 100u);
}

// Lowers this process's file size limit (no root needed) so that writes past
// it fail with EFBIG, as a full disk fails them with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    handler_ = ::signal(SIGXFSZ, SIG_IGN);  // else the kernel kills the process
    rlimit lower = saved_;
    lower.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  sighandler_t handler_;
};

TEST_F(JournalTest, FailedFlushKeepsRecordsAndRetries) {
  JournalWriter w(file(), test_header(), {.flush_records = 1'000'000, .flush_seconds = 1e9, .sync = true});
  for (std::uint64_t t = 0; t < 10; ++t) w.append_result(t, 1, values_of(t));
  constexpr std::uintmax_t record_size = 45;  // a result of 2 values, framed
  const auto header_size = fs::file_size(file());
  std::string error;
  {
    // Room for two records and part of a third: the write fails midway.
    FileSizeLimit limit(header_size + 2 * record_size + 10);
    error = error_of([&] { w.flush(); });
    w.append_result(10, 1, values_of(10));
  }
  EXPECT_NE(error.find(file().string()), std::string::npos) << error;
  EXPECT_NE(error.find("File too large"), std::string::npos) << error;
  EXPECT_FALSE(w.healthy());
  EXPECT_EQ(w.last_error(), error);
  EXPECT_EQ(w.records_written(), 0u);

  // What a crash at this point would leave: two records and a torn third.
  JournalContents c = read_journal(file());
  EXPECT_EQ(c.records.size(), 2u);
  EXPECT_TRUE(c.torn);
  EXPECT_EQ(c.dropped_bytes, 10u);

  w.flush();  // room again: the retry rewrites from the first unsynced byte
  EXPECT_TRUE(w.healthy());
  EXPECT_EQ(w.last_error(), error);
  EXPECT_EQ(w.records_written(), 11u);
  c = read_journal(file());
  EXPECT_FALSE(c.torn);
  ASSERT_EQ(c.records.size(), 11u);
  for (std::uint64_t t = 0; t < 11; ++t) EXPECT_EQ(c.records[t], result(t));
}

TEST_F(JournalTest, DestructorFlushesAndCloseEndsAppends) {
  {
    JournalWriter w(file(), test_header(), manual());
    for (std::uint64_t t = 0; t < 3; ++t) w.append_result(t, 1, values_of(t));
  }
  EXPECT_EQ(read_journal(file()).records.size(), 3u);

  JournalWriter w(dir_ / "closed.journal", test_header(), manual());
  w.close();
  w.close();  // a second close is a no-op
  EXPECT_NE(error_of([&] { w.append_result(0, 1, values_of(0)); }).find("closed"), std::string::npos);
}

TEST_F(JournalTest, RejectsBadArguments) {
  JournalWriter w(file(), test_header(2), manual());
  const std::string error = error_of([&] { w.append_result(5, 1, std::vector<double>{1, 2, 3}); });
  EXPECT_NE(error.find("task 5 has 3 values"), std::string::npos) << error;
  EXPECT_NE(error.find("2 outputs per task"), std::string::npos) << error;
  EXPECT_NE(error_of([&] { JournalWriter(dir_ / "a.journal", test_header(), {.flush_records = 0}); })
                .find("flush_records = 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] { JournalWriter(dir_ / "b.journal", test_header(), {.flush_seconds = -1}); })
                .find("flush_seconds"),
            std::string::npos);
}

// Room for future kinds: an intact record of a kind this build does not know
// is counted and skipped, and reading goes on.
TEST_F(JournalTest, SkipsIntactRecordsOfUnknownKinds) {
  const auto sizes = write_results(2);
  const std::string whole = file_bytes(file());
  const std::string frame = le32(6) + '\x09' + std::string("\x01\x02\x03\x04\x05", 5);
  const std::string unknown = "PTJR" + frame + le32(reference_crc32(frame));
  write_bytes(file(), whole.substr(0, sizes[1]) + unknown + whole.substr(sizes[1]));
  const JournalContents c = read_journal(file());
  EXPECT_FALSE(c.torn);
  EXPECT_EQ(c.skipped_records, 1u);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[1], result(1));
}

// A crash record (an attempt that killed its isolated worker) reads back
// with its kind, task, attempt and message, beside the task's final failure.
TEST_F(JournalTest, CrashRecordsReadBackBesideFailures) {
  {
    JournalWriter w(file(), test_header());
    w.append_crash(3, 1, "worker process killed by signal 11 (Segmentation fault)");
    w.append_failure(3, 1, "worker process killed by signal 11 (Segmentation fault)");
    w.close();
  }
  const JournalContents c = read_journal(file());
  EXPECT_FALSE(c.torn);
  EXPECT_EQ(c.skipped_records, 0u);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[0].kind, JournalRecordKind::crash);
  EXPECT_EQ(c.records[0].task, 3u);
  EXPECT_EQ(c.records[0].attempt, 1u);
  EXPECT_EQ(c.records[0].message, "worker process killed by signal 11 (Segmentation fault)");
  EXPECT_EQ(c.records[1].kind, JournalRecordKind::failure);
}

TEST_F(JournalTest, ListsJournalFilesSortedByName) {
  for (const char* name : {"rank-2.run-0.journal", "rank-10.run-0.journal", "notes.txt", "rank-1.journal.tmp"}) {
    write_bytes(dir_ / name, "");
  }
  fs::create_directory(dir_ / "sub.journal");
  EXPECT_EQ(partita::journal_files(dir_),
            (std::vector<fs::path>{dir_ / "rank-10.run-0.journal", dir_ / "rank-2.run-0.journal"}));
  EXPECT_TRUE(partita::journal_files(dir_ / "none").empty());
  EXPECT_NE(error_of([&] { partita::journal_files(dir_ / "notes.txt"); }).find("notes.txt"), std::string::npos);
}

// Not a test: prints what an append costs. Run with
//   engine_unit_tests --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
TEST_F(JournalTest, DISABLED_AppendThroughput) {
  constexpr std::uint64_t n = 1'000'000;
  const double values[2] = {1.0, 2.0};
  const auto measure = [&](const char* what, const JournalOptions& options, int threads) {
    const fs::path path = dir_ / (std::string(what) + ".journal");
    const auto start = Clock::now();
    {
      JournalWriter w(path, test_header(), options);
      std::vector<std::thread> pool;
      for (int k = 0; k < threads; ++k) {
        pool.emplace_back([&, k] {
          for (std::uint64_t t = static_cast<std::uint64_t>(k); t < n; t += static_cast<std::uint64_t>(threads)) {
            w.append_result(t, 1, values);
          }
        });
      }
      for (auto& t : pool) t.join();
      w.close();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%-34s %d thread(s): %7.1f ns/record, %6.2f M records/s, %llu bytes\n", what, threads,
                1e9 * seconds / n, n / seconds / 1e6, static_cast<unsigned long long>(fs::file_size(path)));
    ASSERT_EQ(read_journal(path).records.size(), n);
    fs::remove(path);
  };
  measure("default (1024 records, sync)", {}, 1);
  measure("default (1024 records, sync)", {}, 2);
  measure("1024 records, no sync", {.sync = false}, 1);
  measure("1024 records, no sync", {.sync = false}, 2);
  measure("one flush at close, no sync", manual(), 1);
}

}  // namespace
