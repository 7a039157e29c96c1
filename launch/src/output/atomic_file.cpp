#include "output/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>


namespace partita::launch {

namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* action, int error) {
  throw IoError("cannot " + std::string(action) + " " + path.string() + ": " + std::strerror(error));
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)), temporary_(path_) {
  temporary_ += ".tmp";
  file_ = std::fopen(temporary_.c_str(), "wb");
  if (file_ == nullptr) fail(temporary_, "create", errno);
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void AtomicFile::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) fail(temporary_, "write", errno);
}

void AtomicFile::commit() {
  if (std::fflush(file_) != 0) fail(temporary_, "write", errno);
  if (::fsync(::fileno(file_)) != 0) fail(temporary_, "sync", errno);
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (closed != 0) {
    const int error = errno;
    std::filesystem::remove(temporary_);
    fail(temporary_, "close", error);
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) fail(path_, "rename into", errno);
}

}  // namespace partita::launch
