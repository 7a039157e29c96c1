// A fresh directory per test under the build tree (never /tmp, where
// parallel ctest runs and other builds would clash), plus the small file
// helpers the tests use to write jobs and read what partita wrote.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace partita::cli_test {

namespace fs = std::filesystem;

/// <build>/tests/cli/work/<Suite>.<Test>, emptied on creation. It is kept
/// when the test fails, so the job and its outputs can be inspected, and
/// removed when it passes.
class TestDir {
 public:
  TestDir();
  ~TestDir();
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

  /// Writes `text` to path()/name and returns the full path.
  fs::path write(const std::string& name, const std::string& text) const;

 private:
  fs::path path_;
};

/// The whole file as bytes; an empty string and a test failure if missing.
std::string read_file(const fs::path& path);

/// Lines without their '\n'; a final line without '\n' is kept too.
std::vector<std::string> lines_of(const std::string& text);

/// Fields of one CSV line. Partita quotes only fields with , " or newline,
/// and none of the values these tests write need quoting.
std::vector<std::string> split_csv(const std::string& line);

/// A CSV file as a header and rows, with columns looked up by name.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  /// Index of `name` in the header; a test failure (and 0) if absent.
  std::size_t column(const std::string& name) const;
  const std::string& at(std::size_t row, const std::string& name) const { return rows.at(row).at(column(name)); }
  double number(std::size_t row, const std::string& name) const;
};

CsvTable read_csv(const fs::path& path);

}  // namespace partita::cli_test
