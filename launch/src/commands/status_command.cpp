#include "commands/status_command.hpp"

#include <memory>
#include <fmt/format.h>

#include "commands/exit_codes.hpp"
#include "journal/job_journal.hpp"
#include "partita/error.hpp"
#include "commands/subcommand.hpp"

namespace partita::launch {

int status_command(const std::string& dir) {
  try {
    const JournalSummary s = summarize_journal(journal_dir(dir));
    if (s.files == 0) {
      fmt::print(stderr, "partita: error: {}: no journal here (expected {}/*.journal)\n", dir,
                 journal_dir(dir).string());
      return exit_bad_input;
    }
    const std::uint64_t remaining = s.tasks > s.done + s.failed ? s.tasks - s.done - s.failed : 0;
    fmt::print("{}: {} tasks: {} done, {} failed, {} remaining, {} duplicated ({} journal files from {} runs{}{})\n",
               dir, s.tasks, s.done, s.failed, remaining, s.duplicated, s.files, s.runs,
               s.torn_files > 0 ? fmt::format("; {} ended in a torn record, dropped", s.torn_files) : "",
               s.crashed > 0 ? fmt::format("; {} tasks crashed (their worker process or command died by a signal or timed out)", s.crashed) : "");
    return exit_success;
  } catch (const Error& e) {
    fmt::print(stderr, "partita: error: {}\n", e.what());
    return exit_bad_input;
  }
}

Subcommand add_status_command(CLI::App& partita) {
  auto dir = std::make_shared<std::string>();
  auto* app = partita.add_subcommand("status", "Done, failed and remaining tasks of an output directory's journal "
                                               "(no MPI)");
  app->add_option("dir", *dir, "the job's output directory")->required();
  return {app, [dir](int*, char***) { return status_command(*dir); }};
}

}  // namespace partita::launch
