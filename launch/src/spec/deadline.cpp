#include "spec/deadline.hpp"

#include <cstdlib>
#include <ctime>
#include <regex>

#include "scheduler/subprocess.hpp"

namespace partita::launch {

std::optional<double> parse_duration(const std::string& text) {
  std::smatch m;
  if (std::regex_match(text, m, std::regex(R"(\d+(\.\d+)?)"))) return std::stod(text);
  if (std::regex_match(text, m, std::regex(R"((?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?)")) && !text.empty()) {
    const auto part = [&m](int i) { return m[i].matched ? std::stod(m[i].str()) : 0.0; };
    return part(1) * 3600 + part(2) * 60 + part(3);
  }
  return std::nullopt;
}

std::optional<double> parse_deadline(const std::string& text) {
  if (const auto seconds = parse_duration(text)) return seconds;
  std::smatch m;
  if (std::regex_match(text, m, std::regex(R"((\d{1,2}):(\d{2})(?::(\d{2}))?)"))) {
    const std::time_t now = std::time(nullptr);
    std::tm when = *std::localtime(&now);
    when.tm_hour = std::stoi(m[1].str());
    when.tm_min = std::stoi(m[2].str());
    when.tm_sec = m[3].matched ? std::stoi(m[3].str()) : 0;
    if (when.tm_hour > 23 || when.tm_min > 59 || when.tm_sec > 59) return std::nullopt;
    const double seconds = std::difftime(std::mktime(&when), now);
    if (seconds <= 0) return std::nullopt;
    return seconds;
  }
  return std::nullopt;
}

namespace {

// Seconds from now to `margin` before `end` (seconds since the epoch), never negative.
double seconds_before(double end) {
  const double left = end - static_cast<double>(std::time(nullptr)) - allocation_margin;
  return left > 0.0 ? left : 0.0;
}

// squeue prints the end in local time: 2026-11-26T18:00:00.
std::optional<double> end_from_squeue(const char* job) {
  const ProgramOutput end = run_program("squeue", {"-h", "-j", job, "-o", "%e"});
  std::tm when{};
  if (!end.ok || ::strptime(end.output.c_str(), "%Y-%m-%dT%H:%M:%S", &when) == nullptr) return std::nullopt;
  when.tm_isdst = -1;
  return static_cast<double>(std::mktime(&when));
}

}  // namespace

std::optional<double> allocation_deadline() {
  for (const char* name : {"PARTITA_JOB_END_TIME", "SLURM_JOB_END_TIME"}) {
    const char* text = std::getenv(name);
    if (text == nullptr) continue;
    char* end = nullptr;
    const double when = std::strtod(text, &end);
    if (end != text && *end == '\0' && when > 0) return seconds_before(when);
  }
  if (const char* job = std::getenv("SLURM_JOB_ID")) {
    if (const auto when = end_from_squeue(job)) return seconds_before(*when);
  }
  return std::nullopt;
}

}  // namespace partita::launch
