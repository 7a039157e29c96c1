#include "spec/task_space.hpp"

#include "command/command_spec.hpp"

namespace partita::launch {

TaskSpace::TaskSpace(const JobSpec& job) : repeat_(job.repeat) {
  for (const auto& axis : job.sweep) sweep_names_.push_back(axis.name);
  std::uint64_t count = 1;
  if (!job.sweep.empty()) {
    count = job.mode == SweepMode::zip ? job.sweep.front().values.size() : 1;
    if (job.mode == SweepMode::grid) {
      for (const auto& axis : job.sweep) count *= axis.values.size();
    }
  }
  points_.reserve(count);
  sweep_values_.reserve(count);
  for (std::uint64_t point = 0; point < count; ++point) {
    ParamSet params = job.fixed;
    std::vector<ParamValue> swept;
    // Decode the point index as a mixed-radix number, last axis fastest.
    std::uint64_t rest = point;
    std::vector<std::uint64_t> index(job.sweep.size());
    for (std::size_t a = job.sweep.size(); a-- > 0;) {
      const std::uint64_t n = job.sweep[a].values.size();
      index[a] = job.mode == SweepMode::zip ? point : rest % n;
      rest = job.mode == SweepMode::zip ? rest : rest / n;
    }
    for (std::size_t a = 0; a < job.sweep.size(); ++a) {
      const ParamValue& value = job.sweep[a].values[index[a]];
      params.set(job.sweep[a].name, value);
      swept.push_back(value);
    }
    points_.push_back(std::move(params));
    sweep_values_.push_back(std::move(swept));
  }
}

std::string TaskSpace::describe_point(std::uint64_t point) const {
  std::string text;
  for (std::size_t a = 0; a < sweep_names_.size(); ++a) {
    text += (a == 0 ? "" : ", ") + sweep_names_[a] + "=" + to_text(sweep_values_[point][a]);
  }
  return text;
}

std::string TaskSpace::point_key(std::uint64_t point) const {
  const ParamSet& params = points_[point];
  std::string text;
  for (std::size_t i = 0; i < params.names().size(); ++i) {
    // The value's type index keeps 1 (integer) and 1.0 (real) apart.
    text += params.names()[i] + ":" + std::to_string(params.values()[i].index()) + "=" +
            to_text(params.values()[i]) + ",";
  }
  return text;
}

std::string TaskSpace::identity(const JobSpec& job) const {
  std::string text = "kernel=" + job.kernel->name + ";seed=" + std::to_string(job.seed) +
                     ";repeat=" + std::to_string(repeat_) + ";";
  if (job.command) text += "command=" + job.command->written + ";";
  for (std::uint64_t point = 0; point < points(); ++point) text += point_key(point) + ";";
  return text;
}

void TaskSpace::renumber(std::vector<std::uint64_t> spec_position) {
  std::vector<ParamSet> points(points_.size());
  std::vector<std::vector<ParamValue>> sweep_values(points_.size());
  for (std::uint64_t id = 0; id < spec_position.size(); ++id) {
    points[id] = std::move(points_[spec_position[id]]);
    sweep_values[id] = std::move(sweep_values_[spec_position[id]]);
  }
  points_ = std::move(points);
  sweep_values_ = std::move(sweep_values);
  spec_position_ = std::move(spec_position);
}

}  // namespace partita::launch
