#include "command/running_commands.hpp"

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>

namespace partita::launch {

namespace {

std::mutex mutex;
std::condition_variable all_ended;
std::set<pid_t> running;
std::atomic<bool> abandoning{false};

}  // namespace

void command_started(pid_t group) {
  std::lock_guard lock(mutex);
  running.insert(group);
}

void command_ended(pid_t group) {
  {
    std::lock_guard lock(mutex);
    running.erase(group);
  }
  all_ended.notify_all();
}

bool abandoning_commands() noexcept { return abandoning.load(); }

void abandon_running_commands(std::chrono::milliseconds grace) {
  abandoning.store(true);  // before any signal: the tasks' threads must see it when their command dies
  std::unique_lock lock(mutex);
  for (pid_t group : running) ::kill(-group, SIGTERM);
  // The tasks' threads reap their commands and say so (command_ended).
  if (all_ended.wait_for(lock, grace, [] { return running.empty(); })) return;
  for (pid_t group : running) ::kill(-group, SIGKILL);
  all_ended.wait_for(lock, std::chrono::seconds(1), [] { return running.empty(); });
}

}  // namespace partita::launch
