// The expanded job: sweep points in a fixed order and task ids over them.
// Task id = point x repeat + repeat index, so the same spec always gives the
// same ids, whatever runs them. Point ids follow the spec's order, unless a
// resume renumbered them to keep an extended sweep's old ids (renumber).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/job_spec.hpp"

namespace partita::launch {

class TaskSpace {
 public:
  /// grid: the cartesian product, the first axis in the file varying
  /// slowest (like nested loops written in file order); zip: element i of
  /// every list together.
  explicit TaskSpace(const JobSpec& job);

  std::uint64_t points() const noexcept { return points_.size(); }
  std::uint64_t repeat() const noexcept { return repeat_; }
  std::uint64_t tasks() const noexcept { return points() * repeat_; }
  std::uint64_t point_of(std::uint64_t task) const noexcept { return task / repeat_; }
  std::uint64_t repeat_of(std::uint64_t task) const noexcept { return task % repeat_; }

  /// Every kernel parameter of a point, in the kernel's order.
  const ParamSet& params(std::uint64_t point) const { return points_[point]; }
  /// The swept values of a point, in axis order.
  const std::vector<ParamValue>& sweep_values(std::uint64_t point) const { return sweep_values_[point]; }
  const std::vector<std::string>& sweep_names() const noexcept { return sweep_names_; }
  /// "samples=1000, dim=2" for messages.
  std::string describe_point(std::uint64_t point) const;

  /// Where a point (by id) stands in the spec's own expansion: the same
  /// number unless the ids were renumbered.
  std::uint64_t spec_position(std::uint64_t point) const noexcept {
    return spec_position_.empty() ? point : spec_position_[point];
  }

  /// The point's parameters as text, the same for the same values wherever
  /// the point stands in a sweep: how a resume recognises it.
  std::string point_key(std::uint64_t point) const;

  /// Gives the points new ids: point id i becomes the spec's point
  /// spec_position[i] (a permutation of 0..points-1). How a sweep extended
  /// since its journal was begun keeps the ids, hence the random streams,
  /// of the points it already had.
  void renumber(std::vector<std::uint64_t> spec_position);

  /// A text that changes whenever the tasks would compute something else:
  /// kernel, seed, repeat and every point's parameters.
  std::string identity(const JobSpec& job) const;

 private:
  std::uint64_t repeat_;
  std::vector<std::string> sweep_names_;
  std::vector<ParamSet> points_;
  std::vector<std::vector<ParamValue>> sweep_values_;
  std::vector<std::uint64_t> spec_position_;  ///< by point id; empty: the identity
};

}  // namespace partita::launch
