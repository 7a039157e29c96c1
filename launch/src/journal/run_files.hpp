// The files a run leaves in its output directory, recognised by name and by
// their first bytes, so that --restart deletes what Partita wrote and
// nothing else: a directory that holds a user's own files is refused.
#pragma once

#include <filesystem>

namespace partita::launch {

/// --restart: deletes the journal (DIR/journal/: journal files and the
/// point table) and DIR's results, summary, failures and report files.
/// Every file is checked before any is deleted; throws SpecError naming the
/// first file Partita did not write (or a directory or link where one of its
/// files belongs), and then deletes nothing. IoError when deleting fails.
void discard_earlier_run(const std::filesystem::path& output_dir);

/// DIR/report.json says the run it describes finished every task.
bool report_says_complete(const std::filesystem::path& output_dir);

}  // namespace partita::launch
