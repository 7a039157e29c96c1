// One `partita run`, phase by phase (run_phases.hpp). Every phase agrees
// across ranks before the next begins, so every rank returns one code.
#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "commands/exit_codes.hpp"
#include "commands/run_command.hpp"
#include "isolation/fork_server.hpp"
#include "partita/runtime.hpp"
#include "registry/kernel_registry.hpp"
#include "run/agreement.hpp"
#include "run/run_phases.hpp"
#include "run/signal_stop.hpp"
#include "spec/spec_error.hpp"

namespace partita::launch {

namespace {

int run_phases(const Context& ctx, const RunOptions& options, ParsedJob parsed, ForkServer* isolation) {
  const auto start = std::chrono::steady_clock::now();
  PreparedRun run = prepare(ctx, options, std::move(parsed));
  if (run.already_complete) return agree_on_code(ctx, report_already_complete(ctx, options, run));
  announce(ctx, options, run);
  ProgressPrinter progress(options.progress, options.progress_interval, ctx.rank() == 0, options.quiet);
  const ExecutedRun executed = execute(ctx, options, run, isolation, progress, start);
  CollectedRun collected = collect(ctx, options, run, executed);
  const int code = ctx.rank() == 0 ? report(options, run, executed, std::move(collected), progress) : 0;
  return agree_on_code(ctx, code);
}

// A spec that does not parse is reported once MPI says which rank speaks.
// Whether rank 0 can hold the job is asked of rank 0 alone (prepare): the
// other ranks hold far less, and nodes differ.
ParsedJob parse_job(const std::string& file) {
  try {
    return {parse_job_spec(file, builtin_kernels(), SpecChecks{false, std::nullopt}), {}};
  } catch (const SpecError& e) {
    return {std::nullopt, e.what()};
  }
}

}  // namespace

int run_job(const RunOptions& options, int* argc, char*** argv) {
  SignalStop::arm();  // before MPI starts: a walltime signal may come at any moment
  // Parsed before MPI: isolation = "process" needs its fork server first.
  ParsedJob parsed = parse_job(options.job_file);
  std::optional<ForkServer> isolation;
  // The server makes command tasks' directories: it needs the final one.
  if (parsed.job && !options.out_dir.empty()) parsed.job->output_dir = options.out_dir;
  if (parsed.job && parsed.job->isolation == Isolation::process) {
    try {
      isolation.emplace(*parsed.job);
    } catch (const Error& e) {
      fmt::print(stderr, "partita: error: {}\n", e.what());
      return exit_internal;
    }
  }
  const Runtime runtime(argc, argv, {MPI_COMM_WORLD, options.threads});
  const Context& ctx = runtime.context();
  try {
    return run_phases(ctx, options, std::move(parsed), isolation ? &*isolation : nullptr);
  } catch (const AgreedFailure& agreed) {
    if (ctx.rank() == 0) fmt::print(stderr, "partita: error: {}\n", agreed.failure.message);
    return agreed.failure.code;
  } catch (...) {
    // Thrown outside any agreement point (say, memory exhausted inside a
    // gather): the other ranks cannot be told, so the job ends here.
    JobFailure failure = failure_of(std::current_exception());
    failure.message = fmt::format("rank {}: {}", ctx.rank(), failure.message);
    abort_job(ctx, failure);
  }
}

}  // namespace partita::launch
