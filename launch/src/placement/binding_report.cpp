#include "placement/binding_report.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "run/rank_messages.hpp"

namespace partita::launch {

namespace {

namespace fs = std::filesystem;

std::vector<int> thread_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

long read_number(const fs::path& file, long fallback) {
  std::ifstream in(file);
  long value = fallback;
  return (in >> value) ? value : fallback;
}

// From sysfs; a CPU whose topology cannot be read counts as its own core
// on NUMA node 0.
void describe_cpus(ThreadBinding& b) {
  std::set<int> numa;
  std::set<long> cores;
  for (const int cpu : b.cpus) {
    const fs::path dir = fs::path("/sys/devices/system/cpu") / fmt::format("cpu{}", cpu);
    const long package = read_number(dir / "topology" / "physical_package_id", 0);
    const long core = read_number(dir / "topology" / "core_id", cpu);
    cores.insert(package * (1L << 20) + core);
    int node = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("node", 0) == 0 && name.size() > 4 &&
          std::all_of(name.begin() + 4, name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        node = std::stoi(name.substr(4));
      }
    }
    numa.insert(node);
  }
  b.numa.assign(numa.begin(), numa.end());
  b.cores.assign(cores.begin(), cores.end());
}

template <class T>
std::string joined(const std::vector<T>& values) {
  std::string text;
  for (const auto& v : values) {
    if (!text.empty()) text += ',';
    text += std::to_string(v);
  }
  return text;
}

template <class T>
std::vector<T> split_numbers(const std::string& text) {
  std::vector<T> values;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) values.push_back(static_cast<T>(std::stol(item)));
  }
  return values;
}

std::string who(const ThreadBinding& b) { return fmt::format("rank {} thread {}", b.rank, b.thread); }

}  // namespace

std::string cpu_list(const std::vector<int>& cpus) {
  std::string text;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!text.empty()) text += ',';
    text += j == i ? std::to_string(cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return text.empty() ? "-" : text;
}

std::vector<ThreadBinding> gather_bindings(const Context& ctx) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::vector<ThreadBinding> mine(static_cast<std::size_t>(ctx.threads()));
  // Each thread writes only its own row.
#pragma omp parallel num_threads(ctx.threads())
  {
    ThreadBinding& b = mine[static_cast<std::size_t>(omp_get_thread_num())];
    b.thread = omp_get_thread_num();
    b.cpus = thread_cpus();
  }
  std::string text;
  for (ThreadBinding& b : mine) {
    describe_cpus(b);
    text += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", host, ctx.rank(), ctx.node_rank(), b.thread,
                        joined(b.cpus), joined(b.numa), joined(b.cores), ctx.thread_choice().wanted);
  }
  std::vector<ThreadBinding> all;
  for (const std::string& rank_text : gather_text(ctx, text)) {
    std::istringstream lines(rank_text);
    std::string line;
    while (std::getline(lines, line)) {
      std::vector<std::string> f;
      std::istringstream fields(line);
      std::string field;
      while (std::getline(fields, field, '\t')) f.push_back(field);
      f.resize(8);
      all.push_back({f[0], std::stoi(f[1]), std::stoi(f[2]), std::stoi(f[3]), split_numbers<int>(f[4]),
                     split_numbers<int>(f[5]), split_numbers<long>(f[6]), std::stoi(f[7])});
    }
  }
  return all;
}

std::vector<std::string> binding_warnings(const std::vector<ThreadBinding>& bindings, int cpus_per_host) {
  std::vector<std::string> warnings;
  std::map<std::string, std::vector<const ThreadBinding*>> by_host;
  for (const auto& b : bindings) by_host[b.host].push_back(&b);
  for (const auto& [host, threads] : by_host) {
    if (static_cast<int>(threads.size()) > cpus_per_host) {
      warnings.push_back(fmt::format("{} runs {} threads on {} CPUs: they take turns on the cores (oversubscribed). "
                                     "Run fewer ranks per node or fewer threads per rank",
                                     host, threads.size(), cpus_per_host));
    }
    // Threads pinned to one core each, the same core: they share it.
    std::map<long, std::vector<const ThreadBinding*>> by_core;
    for (const ThreadBinding* b : threads) {
      if (b->cores.size() == 1) by_core[b->cores.front()].push_back(b);
    }
    for (const auto& [core, sharing] : by_core) {
      if (sharing.size() < 2) continue;
      warnings.push_back(fmt::format("{}: {} and {} more thread(s) are all bound to the core of CPU(s) {}: they "
                                     "share one core. Give each thread its own: OMP_PLACES=cores "
                                     "OMP_PROC_BIND=close, and mpirun --map-by slot:PE=<threads>",
                                     host, who(*sharing.front()), sharing.size() - 1,
                                     cpu_list(sharing.front()->cpus)));
    }
    // Per rank: the cores its threads may use together, and whether they
    // all float over the same several CPUs (nothing binds them).
    std::map<int, std::vector<const ThreadBinding*>> by_rank;
    for (const ThreadBinding* b : threads) by_rank[b->rank].push_back(b);
    for (const auto& [rank, team] : by_rank) {
      std::set<long> cores;
      bool floating = team.size() > 1;
      for (const ThreadBinding* b : team) {
        cores.insert(b->cores.begin(), b->cores.end());
        floating = floating && b->cpus == team.front()->cpus && b->cores.size() > 1;
      }
      const int threads_run = static_cast<int>(team.size());
      if (team.front()->wanted_threads > threads_run) {
        warnings.push_back(fmt::format("rank {} on {} asked for {} threads but may run on only CPU(s) {}, so it runs "
                                       "{}: give each rank its cores with mpirun --map-by slot:PE={} (or "
                                       "--bind-to none)",
                                       rank, host, team.front()->wanted_threads, cpu_list(team.front()->cpus),
                                       threads_run, team.front()->wanted_threads));
      }
      if (cores.size() == 1 && threads_run > 1) {
        warnings.push_back(fmt::format("rank {} on {} runs {} threads but is bound to a single core (Open MPI binds "
                                       "a rank to one core when there are 2 ranks or fewer): use mpirun --map-by "
                                       "slot:PE={} (or --bind-to none)",
                                       rank, host, threads_run, threads_run));
      }
      if (floating) {
        warnings.push_back(fmt::format("the {} threads of rank {} on {} may each run on any of CPUs {}: nothing "
                                       "binds them, so they may wander and share cores. Set OMP_PROC_BIND=close "
                                       "OMP_PLACES=cores",
                                       threads_run, rank, host, cpu_list(team.front()->cpus)));
      }
    }
  }
  return warnings;
}

std::string bindings_table(const std::vector<ThreadBinding>& bindings) {
  std::size_t host_width = 4;
  for (const auto& b : bindings) host_width = std::max(host_width, b.host.size());
  std::string text = fmt::format("{:<{}}  {:>5}  {:>5}  {:>6}  {:<16}  {}\n", "host", host_width, "rank", "local",
                                 "thread", "cpus", "numa");
  for (const auto& b : bindings) {
    text += fmt::format("{:<{}}  {:>5}  {:>5}  {:>6}  {:<16}  {}\n", b.host, host_width, b.rank, b.node_rank, b.thread,
                        cpu_list(b.cpus), cpu_list(b.numa));
  }
  return text;
}

std::string bindings_json(const std::vector<ThreadBinding>& bindings, const std::vector<std::string>& warnings) {
  const auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", c);
        continue;
      }
      out += c;
    }
    return out + "\"";
  };
  std::string text = "{\"bindings\": [";
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    const auto& b = bindings[i];
    text += fmt::format("{}\n  {{\"host\": {}, \"rank\": {}, \"node_rank\": {}, \"thread\": {}, \"cpus\": [{}], "
                        "\"numa\": [{}]}}",
                        i == 0 ? "" : ",", quoted(b.host), b.rank, b.node_rank, b.thread, joined(b.cpus),
                        joined(b.numa));
  }
  text += "],\n \"warnings\": [";
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    if (i > 0) text += ", ";
    text += quoted(warnings[i]);
  }
  return text + "]}\n";
}

}  // namespace partita::launch
