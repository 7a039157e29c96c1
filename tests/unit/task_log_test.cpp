// The rank log of command tasks' output: what is written is read back
// exactly, whatever threads interleave it, and damage costs only the frames
// it touches.
#include "command/task_log.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "scratch_dir.hpp"

namespace partita::launch {
namespace {

using TaskLogTest = unit_test::ScratchDirTest;

// Every stream of every (task, attempt, run), concatenated in file order.
std::map<std::string, std::string> streams(const std::filesystem::path& file, std::uint64_t* skipped = nullptr) {
  std::map<std::string, std::string> all;
  const auto lost = read_task_log(file, [&](const LogFrame& f) {
    all[std::to_string(f.run) + "/" + std::to_string(f.task) + "/" + std::to_string(f.attempt) + "/" +
        std::to_string(static_cast<int>(f.stream))] += f.payload;
  });
  if (skipped != nullptr) *skipped = lost;
  return all;
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(TaskLogTest, FramesFromManyThreadsReadBackWholeAndInOrderPerStream) {
  const auto file = task_log_path(dir_, 3);
  EXPECT_EQ(file.filename(), "rank-3.log");
  {
    TaskLogWriter log(file, 2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int chunk = 0; chunk < 200; ++chunk) {
          // Bytes of every value, the magic itself included.
          log.write(t, 1, LogStream::out, std::string("PLG1") + std::string(1, static_cast<char>(chunk)) + "\n");
          log.write(t, 1, LogStream::err, std::to_string(chunk) + ",");
        }
        log.write(t, 1, LogStream::end, "exited with status 0");
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_FALSE(log.failed());
  }
  std::uint64_t skipped = 1;
  const auto all = streams(file, &skipped);
  EXPECT_EQ(skipped, 0u);
  for (int t = 0; t < 4; ++t) {
    std::string out, err;
    for (int chunk = 0; chunk < 200; ++chunk) {
      out += std::string("PLG1") + std::string(1, static_cast<char>(chunk)) + "\n";
      err += std::to_string(chunk) + ",";
    }
    const std::string key = "2/" + std::to_string(t) + "/1/";
    EXPECT_EQ(all.at(key + "1"), out);
    EXPECT_EQ(all.at(key + "2"), err);
    EXPECT_EQ(all.at(key + "3"), "exited with status 0");
  }
}

TEST_F(TaskLogTest, ACorruptFrameAndATornTailAreSkippedAndLaterRunsAppendAfterThem) {
  const auto file = task_log_path(dir_, 0);
  {
    TaskLogWriter log(file, 0);
    log.write(1, 1, LogStream::out, "first task\n");
    log.write(2, 1, LogStream::out, "second task\n");
  }
  std::string bytes = read_bytes(file);
  bytes[bytes.find("first")] = 'F';               // a flipped bit in frame 1
  bytes += bytes.substr(0, 20);                   // and half a frame: a rank killed mid-write
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  {
    TaskLogWriter log(file, 1);  // the resume
    log.write(1, 1, LogStream::out, "first task again\n");
  }
  std::uint64_t skipped = 0;
  const auto all = streams(file, &skipped);
  EXPECT_EQ(all.count("0/1/1/1"), 0u);
  EXPECT_EQ(all.at("0/2/1/1"), "second task\n");
  EXPECT_EQ(all.at("1/1/1/1"), "first task again\n");
  EXPECT_EQ(skipped, 28u + 11u + 4u + 20u);  // frame 1 whole, and the torn half frame
}

TEST_F(TaskLogTest, AFullDiskIsRememberedNotThrownAndNamesTheFile) {
  const auto file = dir_ / "logs" / "rank-0.log";
  std::filesystem::create_directories(file.parent_path());
  std::filesystem::create_symlink("/dev/full", file);
  TaskLogWriter log(file, 0);
  log.write(0, 1, LogStream::out, "lost\n");
  EXPECT_TRUE(log.failed());
  EXPECT_NE(log.last_error().find(file.string()), std::string::npos) << log.last_error();
  EXPECT_NE(log.last_error().find("No space left on device"), std::string::npos) << log.last_error();
}

TEST_F(TaskLogTest, AnEmptyLogHoldsNothing) {
  const auto file = dir_ / "empty.log";
  std::ofstream(file).close();
  EXPECT_TRUE(streams(file).empty());
  EXPECT_THROW(read_task_log(dir_ / "missing.log", [](const LogFrame&) {}), Error);
}

}  // namespace
}  // namespace partita::launch
