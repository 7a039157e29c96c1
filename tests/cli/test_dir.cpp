#include "test_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace partita::cli_test {

namespace {

// Suite.Test, with the '/' of parameterised names made path-safe: each
// ctest entry runs one test, so the name alone keeps directories apart.
std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info == nullptr ? "no_test" : std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

}  // namespace

TestDir::TestDir() : path_(fs::path(PARTITA_CLI_WORK_DIR) / current_test_name()) {
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TestDir::~TestDir() {
  if (!::testing::Test::HasFailure()) {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
}

fs::path TestDir::write(const std::string& name, const std::string& text) const {
  const fs::path file = path_ / name;
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  EXPECT_TRUE(out.good()) << "cannot write " << file;
  return file;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  ADD_FAILURE() << "no column '" << name << "' in the CSV header";
  return 0;
}

double CsvTable::number(std::size_t row, const std::string& name) const {
  const std::string& text = at(row, name);
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  EXPECT_EQ(used, text.size()) << "column '" << name << "' row " << row << " is not a number: '" << text << "'";
  return value;
}

CsvTable read_csv(const fs::path& path) {
  CsvTable table;
  const auto lines = lines_of(read_file(path));
  if (lines.empty()) {
    ADD_FAILURE() << path << " is empty";
    return table;
  }
  table.header = split_csv(lines.front());
  for (std::size_t i = 1; i < lines.size(); ++i) {
    table.rows.push_back(split_csv(lines[i]));
    EXPECT_EQ(table.rows.back().size(), table.header.size()) << path << " line " << i + 1 << ": " << lines[i];
  }
  return table;
}

}  // namespace partita::cli_test
