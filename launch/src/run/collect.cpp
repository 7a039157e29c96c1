// The collect phase: every rank's results, failures and timings to rank 0,
// the one process that writes files.
#include <cmath>

#include "output/failure_log.hpp"
#include "output/trace_file.hpp"
#include "partita/gather.hpp"
#include "run/fault_injection.hpp"
#include "run/rank_messages.hpp"
#include "run/run_phases.hpp"

namespace partita::launch {

CollectedRun collect(const Context& ctx, const RunOptions& options, const PreparedRun& run,
                     const ExecutedRun& executed) {
  CollectedRun all;
  fault_point(ctx.rank(), "collect");
  const auto mine = executed.results.merged();
  const std::uint64_t tasks = run.space.tasks();
  all.results.values =
      gather_by_id<double>(ctx, mine.ids, mine.values, tasks, run.job.kernel->outputs.size(), 0, std::nan(""));
  all.results.done = gather_by_id<std::uint8_t>(ctx, mine.ids, mine.ok, tasks, 1, 0, 0);
  if (has_text_outputs(run.job.kernel->outputs)) all.results.texts = gather_texts_by_id(ctx, mine.ids, mine.texts, tasks);
  all.failures = gather_failures(ctx, executed.results);
  all.ranks = gather_rank_reports(ctx, executed.stats);
  all.journal_problems = gather_text(ctx, executed.journal_problem);
  all.stop_problems = gather_text(ctx, executed.stop_problem);
  if (!options.trace_file.empty()) all.trace = gather_trace(ctx, executed.results.slices);
  return all;
}

}  // namespace partita::launch
