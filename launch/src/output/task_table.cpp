#include "output/task_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace partita::launch {

TaskTable::TaskTable(std::uint64_t tasks, const std::vector<OutputSpec>& outputs)
    : done(tasks, 0), values(tasks * outputs.size(), std::nan("")) {
  if (has_text_outputs(outputs)) texts.resize(tasks);
}

std::string TaskTable::field(std::uint64_t task, std::size_t o, const std::vector<OutputSpec>& outputs) const {
  if (done[task] == 0) return {};
  switch (outputs[o].type) {
    case OutputType::number: return fmt::format("{}", values[task * outputs.size() + o]);  // shortest round trip
    case OutputType::integer: return std::to_string(static_cast<std::int64_t>(values[task * outputs.size() + o]));
    case OutputType::text: {
      std::size_t text_index = 0;
      for (std::size_t k = 0; k < o; ++k) text_index += outputs[k].type == OutputType::text ? 1 : 0;
      return unpack_texts(texts[task], text_index + 1)[text_index];
    }
  }
  return {};
}

void TaskTable::take(std::uint64_t task, const TaskTable& other, std::size_t outputs) {
  std::copy_n(other.values.begin() + task * outputs, outputs, values.begin() + task * outputs);
  if (!texts.empty()) texts[task] = other.texts[task];
  done[task] = 1;
}

}  // namespace partita::launch
