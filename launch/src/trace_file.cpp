#include "trace_file.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "atomic_file.hpp"

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

void write_trace(const Context& ctx, const std::vector<std::vector<TaskSlice>>& slices,
                 const std::filesystem::path& path) {
  const std::vector<double> mine = pack(slices);
  const bool root = ctx.rank() == 0;
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(root ? ctx.size() : 0), offsets(lengths.size());
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, ctx.comm());
  int total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = total;
    total += lengths[r];
  }
  std::vector<double> all(static_cast<std::size_t>(total));
  MPI_Gatherv(mine.data(), length, MPI_DOUBLE, all.data(), lengths.data(), offsets.data(), MPI_DOUBLE, 0,
              ctx.comm());
  if (!root) return;

  AtomicFile file(path);
  file.write("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
  std::set<std::pair<int, int>> tracks;
  bool first = true;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    for (int k = offsets[r]; k < offsets[r] + lengths[r]; k += fields) {
      const int worker = static_cast<int>(all[k]);
      const auto task = static_cast<std::uint64_t>(all[k + 1]);
      tracks.insert({static_cast<int>(r), worker});
      file.write(fmt::format("{}{{\"name\": \"task {}\", \"cat\": \"task\", \"ph\": \"X\", \"pid\": {}, \"tid\": {}, "
                             "\"ts\": {:.3f}, \"dur\": {:.3f}, \"args\": {{\"id\": {}}}}}",
                             first ? "" : ",\n", task, r, worker, all[k + 2] * 1e6, (all[k + 3] - all[k + 2]) * 1e6,
                             task));
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
