#include "output/trace_file.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "output/atomic_file.hpp"
#include "run/rank_messages.hpp"

namespace partita::launch {

namespace {

constexpr int fields = 4;  // worker, task, start, end

std::vector<double> pack(const std::vector<std::vector<TaskSlice>>& slices) {
  std::vector<double> packed;
  for (std::size_t w = 0; w < slices.size(); ++w) {
    for (const auto& s : slices[w]) {
      packed.insert(packed.end(), {static_cast<double>(w), static_cast<double>(s.task), s.start, s.end});
    }
  }
  return packed;
}

}  // namespace

GatheredNumbers gather_trace(const Context& ctx, const std::vector<std::vector<TaskSlice>>& slices) {
  return gather_numbers(ctx, pack(slices));
}

void write_trace(const GatheredNumbers& all, const std::filesystem::path& path) {
  AtomicFile file(path);
  file.write("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
  std::set<std::pair<int, int>> tracks;
  bool first = true;
  for (std::size_t r = 0; r < all.lengths.size(); ++r) {
    for (int k = all.offsets[r]; k < all.offsets[r] + all.lengths[r]; k += fields) {
      const double* slice = &all.values[static_cast<std::size_t>(k)];
      const int worker = static_cast<int>(slice[0]);
      const auto task = static_cast<std::uint64_t>(slice[1]);
      tracks.insert({static_cast<int>(r), worker});
      file.write(fmt::format("{}{{\"name\": \"task {}\", \"cat\": \"task\", \"ph\": \"X\", \"pid\": {}, \"tid\": {}, "
                             "\"ts\": {:.3f}, \"dur\": {:.3f}, \"args\": {{\"id\": {}}}}}",
                             first ? "" : ",\n", task, r, worker, slice[2] * 1e6, (slice[3] - slice[2]) * 1e6, task));
      first = false;
    }
  }
  // Name the tracks: one process per rank, one thread per worker.
  for (const auto& [rank, worker] : tracks) {
    file.write(fmt::format("{0}{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {1}, \"args\": {{\"name\": "
                           "\"rank {1}\"}}}},\n{{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": {1}, \"tid\": {2}, "
                           "\"args\": {{\"name\": \"worker {2}\"}}}}",
                           first ? "" : ",\n", rank, worker));
    first = false;
  }
  file.write("\n]}\n");
  file.commit();
}

}  // namespace partita::launch
