// Every task's outputs by task id: what results.csv and summary.csv are
// written from. A task that has no result (it failed, or has not run) is
// not done, and its fields stay empty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/output_spec.hpp"

namespace partita::launch {

struct TaskTable {
  std::vector<std::uint8_t> done;  ///< per task: 1 when it has a result
  /// tasks x outputs: each output's value (a text output's slot is unused).
  std::vector<double> values;
  /// Per task, its packed text outputs (pack_texts); empty when the job has none.
  std::vector<std::string> texts;

  TaskTable() = default;
  TaskTable(std::uint64_t tasks, const std::vector<OutputSpec>& outputs);

  /// Output `o` of `task` as text: its shortest round-trip form, an integer
  /// without a decimal point, a text as it is; "" when the task is not done.
  std::string field(std::uint64_t task, std::size_t o, const std::vector<OutputSpec>& outputs) const;
  /// Copies `task`'s result from `other` (same layout) and marks it done.
  void take(std::uint64_t task, const TaskTable& other, std::size_t outputs);
};

}  // namespace partita::launch
