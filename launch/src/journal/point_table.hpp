// DIR/journal/points: the ids a job's journal gave its sweep points, as a
// fingerprint of each point's parameters by point id. A resume matches the
// spec's points against it, so a sweep extended with new points keeps the
// ids (and so the random streams and journaled results) of the old ones,
// and the new points get ids after them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "spec/task_space.hpp"

namespace partita::launch {

/// The table's file in a journal directory.
std::filesystem::path point_table_path(const std::filesystem::path& journal_dir);

/// The fingerprint of every point of `space`, by point id.
std::vector<std::string> point_fingerprints(const TaskSpace& space);

/// A digest of the first `count` fingerprints (points 0 .. count-1), in id
/// order: what each journal file's header carries, so its records stay tied
/// to the parameters of exactly the points that computed them.
std::string points_digest(const std::vector<std::string>& fingerprints, std::size_t count);

/// Writes the table atomically, ending in a digest line; throws IoError.
void write_point_table(const std::filesystem::path& journal_dir, const std::vector<std::string>& fingerprints);

/// The table, or nullopt when the journal has none. Throws partita::Error
/// naming the file when it is not a point table or was edited (its digest
/// line does not match).
std::optional<std::vector<std::string>> read_point_table(const std::filesystem::path& journal_dir);

/// How the spec's points map onto the journal's ids.
struct PointIds {
  /// By point id: the spec's point with that id. Old points keep their ids;
  /// added ones follow in spec order.
  std::vector<std::uint64_t> spec_position;
  std::uint64_t added = 0;  ///< points the journal did not have
  /// Not empty when the spec lost points the journal has: why a resume is
  /// refused ("3 of the journal's 10 points ...").
  std::string problem;

  bool identity() const;  ///< every point keeps the id the spec gives it
};

/// Matches `spec` (fingerprints in spec order) against `journal` (by id).
PointIds match_points(const std::vector<std::string>& journal, const std::vector<std::string>& spec);

}  // namespace partita::launch
