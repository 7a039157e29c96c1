// A file that appears whole or not at all: written under a temporary name
// in the same directory, flushed to disk, then renamed over the final name.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string_view>

#include "partita/error.hpp"

namespace partita::launch {

/// An output file could not be written (a full disk, a read-only place).
class IoError : public Error {
 public:
  using Error::Error;
};

class AtomicFile {
 public:
  /// Opens `<path>.tmp`; throws IoError naming the path on failure.
  explicit AtomicFile(std::filesystem::path path);
  /// Removes the temporary file unless commit() succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* stream() const noexcept { return file_; }
  void write(std::string_view text);
  /// Flushes, fsyncs and renames into place; throws IoError on a
  /// short write (e.g. a full disk), leaving any previous file untouched.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path temporary_;
  std::FILE* file_ = nullptr;
};

}  // namespace partita::launch
