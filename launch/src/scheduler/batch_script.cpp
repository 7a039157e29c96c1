#include "scheduler/batch_script.hpp"

#include <fmt/format.h>

#include <regex>

#include "partita/version.hpp"

namespace partita::launch {

namespace {

// A scheduler's job name is a word in a directive line: keep letters,
// digits, '.', '_' and '-' (the rest become '_'); PBS wants a letter first.
std::string scheduler_name(const std::string& name, bool letter_first) {
  std::string word;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '_' || c == '-';
    word += plain ? c : '_';
  }
  if (word.empty() || (letter_first && !((word[0] >= 'a' && word[0] <= 'z') || (word[0] >= 'A' && word[0] <= 'Z')))) {
    word = "p" + word;
  }
  return word;
}

// A shell word that stays one word whatever it holds.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs partita in the background and waits for it, so the shell's traps run
// while it works (bash runs a trap only between commands); a signal passes
// to partita as USR1, which drains the run like TERM but which mpirun, unlike
// TERM, forwards to the ranks instead of killing them.
std::string wait_and_forward() {
  return R"sh(pid=$!
trap 'kill -USR1 "$pid" 2>/dev/null' USR1 TERM
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
wait "$pid"
status=$?
)sh";
}

// Exit code 75: stopped before the end, everything finished is journaled.
std::string resubmit(const std::string& submit_command) {
  return fmt::format(R"sh(if [ "$status" -eq 75 ] && [ "$attempt" -lt "$max_resubmits" ]; then
  next=$({}) &&
    echo "partita batch: not finished: resubmitted as job $next (allocation $((attempt + 2)) of at most $((max_resubmits + 1)))"
elif [ "$status" -eq 75 ]; then
  echo "partita batch: not finished after $((max_resubmits + 1)) allocations: submit $script again to go on" >&2
fi
exit "$status"
)sh",
                     submit_command);
}

std::string common_variables(const BatchOptions& o, const BatchTarget& t) {
  return fmt::format(R"sh(
# Absolute paths: the scheduler may run a copy of this script elsewhere.
partita={}
job={}
out={}
script={}
max_resubmits={}
attempt=${{PARTITA_ALLOCATION:-0}}

export OMP_NUM_THREADS={} OMP_PLACES=cores OMP_PROC_BIND=close
)sh",
                     quoted(t.partita), quoted(t.job_file), quoted(t.output_dir), quoted(t.script), o.max_resubmits,
                     o.threads);
}

std::string run_arguments(const BatchOptions& o, int grace) {
  // --resume on every allocation: the first one starts the journal, the
  // others go on from it.
  return fmt::format(R"sh("$partita" run "$job" --out "$out" --resume --threads {} --grace {} --progress text)sh",
                     o.threads, grace);
}

std::string slurm_script(const BatchOptions& o, const BatchTarget& t) {
  std::string s = fmt::format(R"sh(#!/bin/bash
# Written by partita batch {} for {}.
# Submit with: sbatch {}
#SBATCH --job-name={}
#SBATCH --nodes={}
#SBATCH --ntasks-per-node={}
#SBATCH --cpus-per-task={}
#SBATCH --time={}
#SBATCH --signal=B:USR1@{}
#SBATCH --output={}/slurm-%j.out
#SBATCH --open-mode=append
)sh",
                              version_string, t.job_file, t.script, scheduler_name(t.job_name, false), o.nodes, o.ranks_per_node, o.threads,
                              o.time, o.signal_lead, t.output_dir);
  if (!o.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", o.partition);
  if (!o.account.empty()) s += fmt::format("#SBATCH --account={}\n", o.account);
  s += common_variables(o, t);
  s += fmt::format(R"sh(
# The allocation's end, for partita's automatic --deadline: from squeue,
# else this script's start plus the walltime.
if [ -z "${{SLURM_JOB_END_TIME:-}}" ]; then
  end=$(squeue -h -j "$SLURM_JOB_ID" -o %e 2>/dev/null) || end=
  case "$end" in
    [0-9]*) PARTITA_JOB_END_TIME=$(date -d "$end" +%s) ;;
    *) PARTITA_JOB_END_TIME=$(( $(date +%s) + {} )) ;;
  esac
  export PARTITA_JOB_END_TIME
fi

)sh",
                   *walltime_seconds(o.time));
  if (o.launcher == Launcher::srun) {
    s += fmt::format("# Each rank on {} core(s) of its own.\nsrun --cpu-bind=cores --cpus-per-task={} {} &\n",
                     o.threads, o.threads, run_arguments(o, grace_for(o.signal_lead)));
  } else {
    s += fmt::format("# {} rank(s) per node, each bound to {} core(s) of its own.\n"
                     "mpirun --map-by ppr:{}:node:PE={} --bind-to core {} &\n",
                     o.ranks_per_node, o.threads, o.ranks_per_node, o.threads,
                     run_arguments(o, grace_for(o.signal_lead)));
  }
  s += wait_and_forward();
  s += resubmit(R"sh(sbatch --parsable --export=ALL,PARTITA_ALLOCATION=$((attempt + 1)) "$script")sh");
  return s;
}

// At the walltime PBS sends SIGTERM, then SIGKILL after its kill_delay
// (10 s by default): running tasks get less than that.
constexpr int pbs_grace = 5;

std::string pbs_script(const BatchOptions& o, const BatchTarget& t) {
  std::string s = fmt::format(R"sh(#!/bin/bash
# Written by partita batch {} for {}.
# Submit with: qsub {}
#PBS -N {}
#PBS -l select={}:ncpus={}:mpiprocs={}:ompthreads={}
#PBS -l walltime={}
#PBS -j oe
#PBS -o {}/pbs.out
)sh",
                              version_string, t.job_file, t.script, scheduler_name(t.job_name, true).substr(0, 15), o.nodes,
                              o.ranks_per_node * o.threads, o.ranks_per_node, o.threads, o.time, t.output_dir);
  if (!o.partition.empty()) s += fmt::format("#PBS -q {}\n", o.partition);
  if (!o.account.empty()) s += fmt::format("#PBS -A {}\n", o.account);
  s += common_variables(o, t);
  s += fmt::format(R"sh(
# PBS sends no signal before the walltime: the deadline (this script's start
# plus the walltime) makes partita stop starting tasks in time instead.
export PARTITA_JOB_END_TIME=$(( $(date +%s) + {} ))

# {} rank(s) per node from $PBS_NODEFILE, each bound to {} core(s) of its own.
mpirun --hostfile "$PBS_NODEFILE" -np {} --map-by ppr:{}:node:PE={} --bind-to core {} &
)sh",
                   *walltime_seconds(o.time), o.ranks_per_node, o.threads, o.nodes * o.ranks_per_node,
                   o.ranks_per_node, o.threads, run_arguments(o, pbs_grace));
  s += wait_and_forward();
  s += resubmit(R"sh(qsub -v PARTITA_ALLOCATION=$((attempt + 1)) "$script")sh");
  return s;
}

}  // namespace

std::optional<long> walltime_seconds(const std::string& text) {
  std::smatch m;
  if (!std::regex_match(text, m, std::regex(R"((?:(\d+)-)?(?:(\d+):)?(\d{1,2}):(\d{2}))"))) return std::nullopt;
  const auto part = [&m](int i) { return m[i].matched ? std::stol(m[i].str()) : 0L; };
  if (part(4) > 59 || (m[2].matched && part(3) > 59)) return std::nullopt;
  // "MM:SS" when there are two fields, "HH:MM:SS" with three.
  const long seconds = m[2].matched ? part(1) * 86400 + part(2) * 3600 + part(3) * 60 + part(4)
                                    : part(1) * 86400 + part(3) * 60 + part(4);
  if (seconds <= 0) return std::nullopt;
  return seconds;
}

int grace_for(int signal_lead) { return std::max(1, signal_lead - std::min(30, signal_lead / 2)); }

std::string check_batch_options(const BatchOptions& o) {
  if (o.time.empty()) return "--time: required: the walltime, HH:MM:SS (e.g. --time 02:00:00)";
  const auto seconds = walltime_seconds(o.time);
  if (!seconds) return fmt::format("--time {}: must be HH:MM:SS, MM:SS or D-HH:MM:SS, and more than 0", o.time);
  if (o.scheduler == Scheduler::slurm && o.signal_lead >= *seconds) {
    return fmt::format("--signal-lead {}: must be shorter than the walltime ({} s)", o.signal_lead, *seconds);
  }
  if (o.scheduler == Scheduler::pbs && o.launcher == Launcher::srun) {
    return "--launcher srun: PBS has no srun; PBS scripts use mpirun";
  }
  return {};
}

std::string batch_script(const BatchOptions& options, const BatchTarget& target) {
  return options.scheduler == Scheduler::slurm ? slurm_script(options, target) : pbs_script(options, target);
}

}  // namespace partita::launch
