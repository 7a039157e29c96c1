#include "journal/point_table.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <string_view>

#include "output/atomic_file.hpp"
#include "partita/error.hpp"
#include "output/result_files.hpp"
#include "spec/spec_error.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view first_line = "partita point table 2";
constexpr std::string_view digest_prefix = "digest ";

// The table's last line: a digest of every fingerprint line in order, so a
// table edited by hand (two lines swapped) is refused, not trusted.
std::string table_digest(const std::vector<std::string>& fingerprints) { return points_digest(fingerprints, fingerprints.size()); }

}  // namespace

fs::path point_table_path(const fs::path& journal_dir) { return journal_dir / "points"; }

std::vector<std::string> point_fingerprints(const TaskSpace& space) {
  std::vector<std::string> fingerprints(space.points());
  for (std::uint64_t point = 0; point < space.points(); ++point) fingerprints[point] = fingerprint(space.point_key(point));
  return fingerprints;
}

void write_point_table(const fs::path& journal_dir, const std::vector<std::string>& fingerprints) {
  AtomicFile file(point_table_path(journal_dir));
  std::string text(first_line);
  text += '\n';
  for (const auto& f : fingerprints) {
    text += f;
    text += '\n';
  }
  text += digest_prefix;
  text += table_digest(fingerprints);
  text += '\n';
  file.write(text);
  file.commit();
}

std::optional<std::vector<std::string>> read_point_table(const fs::path& journal_dir) {
  const fs::path path = point_table_path(journal_dir);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line) || line != first_line) {
    throw Error(fmt::format("{}: not a Partita point table (first line '{}')", path.string(), first_line));
  }
  std::vector<std::string> fingerprints;
  std::string digest;
  while (std::getline(in, line)) {
    if (!digest.empty()) {
      throw SpecError(path.string(), static_cast<unsigned>(fingerprints.size() + 3),
                      "text after the digest line: the table was edited. Pass --restart to discard the journal");
    }
    if (line.starts_with(digest_prefix)) {
      digest = line.substr(digest_prefix.size());
      continue;
    }
    if (line.size() != 16) throw Error(fmt::format("{}: line {}: not a point fingerprint", path.string(),
                                                   fingerprints.size() + 2));
    fingerprints.push_back(line);
  }
  if (in.bad()) throw Error(fmt::format("{}: cannot be read", path.string()));
  if (digest != table_digest(fingerprints)) {
    throw SpecError(path.string(), 0,
                    fmt::format("{}: the table was edited or damaged since Partita wrote it, so it cannot say which "
                                "sweep point each journaled result belongs to. Pass --restart to discard the "
                                "journal, or --out to run elsewhere",
                                digest.empty() ? "no digest line" : "its digest does not match"));
  }
  return fingerprints;
}

std::string points_digest(const std::vector<std::string>& fingerprints, std::size_t count) {
  std::string text;
  for (std::size_t id = 0; id < count && id < fingerprints.size(); ++id) {
    text += fingerprints[id];
    text += '\n';
  }
  return fingerprint(text);
}

bool PointIds::identity() const {
  for (std::uint64_t id = 0; id < spec_position.size(); ++id) {
    if (spec_position[id] != id) return false;
  }
  return true;
}

PointIds match_points(const std::vector<std::string>& journal, const std::vector<std::string>& spec) {
  // A point listed twice (the same values twice in a sweep) is matched in order.
  std::map<std::string, std::vector<std::uint64_t>> where;  // fingerprint -> spec positions, last first
  for (std::uint64_t p = spec.size(); p-- > 0;) where[spec[p]].push_back(p);
  PointIds ids;
  std::vector<std::uint8_t> taken(spec.size(), 0);
  std::uint64_t lost = 0, first_lost = 0;
  for (std::uint64_t id = 0; id < journal.size(); ++id) {
    auto it = where.find(journal[id]);
    if (it == where.end() || it->second.empty()) {
      if (lost++ == 0) first_lost = id;
      continue;
    }
    ids.spec_position.push_back(it->second.back());
    taken[it->second.back()] = 1;
    it->second.pop_back();
  }
  if (lost > 0) {
    ids.problem = fmt::format("{} of the journal's {} sweep points are not in the job any more (the first is point "
                              "{}): the swept or fixed parameters changed. A resume may only add points to a sweep",
                              lost, journal.size(), first_lost);
    return ids;
  }
  for (std::uint64_t p = 0; p < spec.size(); ++p) {
    if (taken[p] == 0) {
      ids.spec_position.push_back(p);
      ++ids.added;
    }
  }
  return ids;
}

}  // namespace partita::launch
