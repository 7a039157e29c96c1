// The keys of a command job, read from its file: command, [outputs],
// outputs_from, task_dir and log_files. Every problem is a SpecError naming
// the file, line and key, before anything runs.
#pragma once

#include <memory>
#include <toml.hpp>

#include "command/command_spec.hpp"
#include "registry/kernel_registry.hpp"
#include "spec/spec_reader.hpp"

namespace partita::launch {

struct JobSpec;

/// The keys only a command job has: refused in a kernel job.
const std::vector<std::string>& command_only_keys();

/// What stands in for a command job's kernel: named "command", its outputs
/// as [outputs] declares them; its parameters are added once read.
std::shared_ptr<KernelInfo> read_command_outputs(const Reader& reader, const toml::table& top);

/// The command itself, once the job's parameters are known (placeholders
/// name them): its templates, the program found and checked, where its
/// outputs come from. Also lists the parameters in `kernel`.
std::shared_ptr<CommandSpec> read_command(const Reader& reader, const toml::table& top, const JobSpec& job,
                                          KernelInfo& kernel);

}  // namespace partita::launch
