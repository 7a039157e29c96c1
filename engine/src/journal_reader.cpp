// read_journal and journal_files. The reader trusts nothing it has not
// checked: a record counts only if its magic, a bounded length and its CRC
// all agree, and reading stops for good at the first one that does not,
// because after a crash the bytes past a torn write are garbage or zeros.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

std::string reason(int error) { return std::error_code(error, std::generic_category()).message(); }

std::vector<std::byte> read_whole_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open journal " + path.string() + ": " + reason(errno));
  struct stat info {};
  // One byte more than the size, so a file that does not grow meets its end
  // without another allocation; a file still growing is read to its end too.
  std::size_t capacity = ::fstat(fd, &info) == 0 ? static_cast<std::size_t>(info.st_size) + 1 : 4096;
  std::vector<std::byte> bytes(capacity);
  std::size_t size = 0;
  for (;;) {
    if (size == bytes.size()) bytes.resize(2 * bytes.size());
    const ssize_t n = ::read(fd, bytes.data() + size, bytes.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      throw Error("cannot read journal " + path.string() + ": " + reason(error));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  bytes.resize(size);
  return bytes;
}

bool all_zero(std::span<const std::byte> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

std::uint32_t crc_of_frame(std::span<const std::byte> bytes, std::size_t length_at, std::uint32_t length) {
  return detail::crc32(bytes.subspan(length_at, 4 + std::size_t{length}));
}

// Parses the header into `out`. Returns the offset just past it, or 0 when
// the file ends inside it: a crash while the writer created the file. Zeros
// count as such a file too, since a crash can leave a file's length on disk
// before its bytes. Anything else wrong is an error naming the file.
std::size_t parse_header(const std::filesystem::path& path, std::span<const std::byte> b, JournalHeader& out,
                         std::uint32_t& version_out) {
  const std::string file = path.string() + ": ";
  const std::size_t magic_seen = std::min(b.size(), format::file_magic.size());
  if (magic_seen == 0) return 0;
  if (std::memcmp(b.data(), format::file_magic.data(), magic_seen) != 0) {
    if (all_zero(b)) return 0;
    throw Error(file + "not a Partita journal (it does not begin with \"PARTITA-JOURNAL\")");
  }
  if (b.size() < format::file_magic.size() + 4) return 0;
  const auto version = format::get<std::uint32_t>(b.data() + 16);
  if (version < format::oldest_readable_version || version > format::format_version) {
    throw Error(file + "journal format version " + std::to_string(version) + ", this build reads " +
                std::to_string(format::oldest_readable_version) + " to " + std::to_string(format::format_version));
  }
  version_out = version;
  if (b.size() < format::header_prefix) return 0;
  const auto length = format::get<std::uint32_t>(b.data() + 20);
  if (length > format::max_payload) {
    throw Error(file + "journal header length " + std::to_string(length) + " is over the limit of " +
                std::to_string(format::max_payload) + " bytes: the header is corrupt");
  }
  const std::size_t end = format::header_prefix + length + format::crc_bytes;
  if (b.size() < end) return 0;
  if (crc_of_frame(b, 20, length) != format::get<std::uint32_t>(b.data() + end - format::crc_bytes)) {
    throw Error(file + "journal header checksum mismatch");
  }

  // The checksum holds, so a layout error here is a writer's bug, not a crash.
  std::span<const std::byte> payload = b.subspan(format::header_prefix, length);
  const auto malformed = [&] { return Error(file + "journal header layout is malformed"); };
  for (std::string* text : {&out.job_identity, &out.partita_version}) {
    if (payload.size() < 4) throw malformed();
    const auto size = format::get<std::uint32_t>(payload.data());
    if (payload.size() - 4 < size) throw malformed();
    text->assign(reinterpret_cast<const char*>(payload.data() + 4), size);
    payload = payload.subspan(4 + std::size_t{size});
  }
  if (payload.size() != 12) throw malformed();
  out.outputs_per_task = format::get<std::uint32_t>(payload.data());
  out.rank = format::get<std::uint32_t>(payload.data() + 4);
  out.run = format::get<std::uint32_t>(payload.data() + 8);
  return end;
}

// Decodes one intact record payload into `out`; false if its layout is wrong
// for its kind, which the caller treats like a bad checksum.
bool decode_record(std::span<const std::byte> payload, std::uint32_t version, JournalContents& out) {
  if (payload.empty()) return false;
  const auto kind = static_cast<JournalRecordKind>(payload[0]);
  if (kind != JournalRecordKind::result && kind != JournalRecordKind::failure && kind != JournalRecordKind::crash) {
    ++out.skipped_records;
    return true;
  }
  if (payload.size() < format::common_payload) return false;
  JournalRecord record;
  record.kind = kind;
  record.task = format::get<std::uint64_t>(payload.data() + 1);
  record.attempt = format::get<std::uint32_t>(payload.data() + 9);
  if (kind == JournalRecordKind::result) {
    if (payload.size() < format::result_payload_fixed) return false;
    const auto count = format::get<std::uint32_t>(payload.data() + format::common_payload);
    const std::size_t left = payload.size() - format::result_payload_fixed;
    const std::size_t bytes = std::size_t{count} * sizeof(double);
    if (left < bytes || (version < 2 && left != bytes)) return false;
    record.values.resize(count);
    if (count > 0) std::memcpy(record.values.data(), payload.data() + format::result_payload_fixed, bytes);
    const auto text = payload.subspan(format::result_payload_fixed + bytes);
    record.message.assign(reinterpret_cast<const char*>(text.data()), text.size());
  } else {
    const auto message = payload.subspan(format::common_payload);
    record.message.assign(reinterpret_cast<const char*>(message.data()), message.size());
  }
  out.records.push_back(std::move(record));
  return true;
}

}  // namespace

JournalContents read_journal(const std::filesystem::path& path) {
  const std::vector<std::byte> file = read_whole_file(path);
  const std::span<const std::byte> bytes(file);
  JournalContents out;
  std::uint32_t version = 0;
  std::size_t at = parse_header(path, bytes, out.header, version);
  if (at == 0) {
    out.header = JournalHeader{};
    out.header.partita_version.clear();  // not this build's: nothing is known
    out.torn = true;
    out.dropped_bytes = bytes.size();
    return out;
  }
  out.has_header = true;
  while (at < bytes.size()) {
    const std::size_t left = bytes.size() - at;
    if (left < format::record_prefix + format::crc_bytes) break;
    if (format::get<std::uint32_t>(bytes.data() + at) != format::record_magic) break;
    const auto length = format::get<std::uint32_t>(bytes.data() + at + 4);
    if (length > format::max_payload || left - format::record_prefix - format::crc_bytes < length) break;
    const std::size_t crc_at = at + format::record_prefix + length;
    if (crc_of_frame(bytes, at + 4, length) != format::get<std::uint32_t>(bytes.data() + crc_at)) break;
    if (!decode_record(bytes.subspan(at + format::record_prefix, length), version, out)) break;
    at = crc_at + format::crc_bytes;
  }
  out.dropped_bytes = bytes.size() - at;
  out.torn = out.dropped_bytes > 0;
  return out;
}

std::vector<std::filesystem::path> journal_files(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const auto fail = [&](const std::error_code& error) {
    return Error("cannot list journals in " + dir.string() + ": " + error.message());
  };
  std::error_code error;
  fs::directory_iterator it(dir, error);
  if (error == std::errc::no_such_file_or_directory) return {};
  if (error) throw fail(error);
  std::vector<fs::path> found;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) throw fail(error);
    std::error_code ignored;  // an entry removed meanwhile is simply not a journal
    if (it->path().extension() == ".journal" && it->is_regular_file(ignored)) found.push_back(it->path());
  }
  if (error) throw fail(error);
  std::sort(found.begin(), found.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().native() < b.filename().native(); });
  return found;
}

}  // namespace partita
