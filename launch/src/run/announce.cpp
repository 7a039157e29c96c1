// The announce phase: what rank 0 says before the work starts.
#include <fmt/format.h>

#include "commands/info_command.hpp"
#include "placement/placement_warnings.hpp"
#include "run/run_phases.hpp"

namespace partita::launch {

void announce(const Context& ctx, const RunOptions& options, const PreparedRun& run) {
  if (options.report_bindings) {
    report_bindings(ctx, false);  // its warnings replace the placement warnings
  } else if (options.warnings) {
    warn_about_placement(ctx);
  }
  if (ctx.rank() == 0 && run.points_added > 0 && !options.quiet) {
    fmt::print(stderr, "partita: the sweep gained {} point(s) since its journal began: they run now, numbered after "
                       "the {} earlier ones, which keep their ids and results\n",
               run.points_added, run.space.points() - run.points_added);
  }
}

}  // namespace partita::launch
