#include "command/read_command.hpp"

#include <filesystem>

#include "spec/job_spec.hpp"

namespace partita::launch {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> output_types = {"number", "integer", "text"};
const std::vector<std::string> output_sources = {"stdout-json", "stdout-keyvalue", "file:NAME"};

// An output's name is a CSV column and a JSON key that scripts will type:
// letters, digits and '_', starting with a letter or '_'.
bool plain_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// `written` is the value as the job file has it, for the message: the
// template may be only part of it (outputs_from = "file:NAME" parses NAME).
TextTemplate template_of(const Reader& reader, const toml::value& where, const std::string& key,
                         const std::string& text, const std::vector<std::string>& params,
                         const std::string& written = {}) {
  std::string problem;
  TextTemplate parts = parse_template(text, params, problem);
  if (!problem.empty()) {
    reader.fail(where, fmt::format("{} = \"{}\": {}", key, written.empty() ? text : written, problem));
  }
  return parts;
}

bool has_placeholder(const TextTemplate& parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [](const TemplatePart& p) { return p.kind != TemplatePart::Kind::literal; });
}

// An argument that names a file in the job's folder (a script, an input
// table) is part of the program: its bytes go into the digest.
void add_named_file(CommandSpec& command, const std::string& word) {
  if (word.empty() || word.front() == '-') return;
  const fs::path path = fs::path(word).is_absolute() ? fs::path(word) : fs::path(command.base_dir) / word;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return;
  const std::string file = path.lexically_normal().string();
  if (std::find(command.program_files.begin(), command.program_files.end(), file) == command.program_files.end()) {
    command.program_files.push_back(file);
  }
}

void read_outputs_from(const Reader& reader, const toml::table& top, CommandSpec& command,
                       const std::vector<std::string>& params) {
  const auto it = top.find("outputs_from");
  if (it == top.end()) return;
  const std::string from = reader.string(it->second, "outputs_from");
  if (from == "stdout-json") {
    command.outputs_from = OutputsFrom::stdout_json;
  } else if (from == "stdout-keyvalue") {
    command.outputs_from = OutputsFrom::stdout_keyvalue;
  } else if (from.starts_with("file:") && from.size() > 5) {
    command.outputs_from = OutputsFrom::file;
    command.outputs_file = template_of(reader, it->second, "outputs_from", from.substr(5), params, from);
  } else {
    reader.fail(it->second, fmt::format("outputs_from = \"{}\": must be \"stdout-json\" (the last line of stdout "
                                        "that is a JSON object), \"stdout-keyvalue\" (name=value lines) or "
                                        "\"file:NAME\" (a file the task writes, JSON or name=value)",
                                        from));
  }
}

bool flag(const Reader& reader, const toml::table& top, const char* key) {
  const auto it = top.find(key);
  if (it == top.end()) return false;
  if (!it->second.is_boolean()) {
    reader.fail(it->second, fmt::format("{} = {}: must be true or false", key, Reader::shown(it->second)));
  }
  return it->second.as_boolean();
}

}  // namespace

const std::vector<std::string>& command_only_keys() {
  static const std::vector<std::string> keys = {"outputs", "outputs_from", "task_dir", "log_files"};
  return keys;
}

std::shared_ptr<KernelInfo> read_command_outputs(const Reader& reader, const toml::table& top) {
  auto kernel = std::make_shared<KernelInfo>();
  kernel->name = "command";
  kernel->doc = "the job's own program";
  const auto it = top.find("outputs");
  if (it == top.end()) return kernel;
  const auto& table = reader.table(it->second, "outputs");
  std::vector<std::pair<const toml::value*, OutputSpec>> outputs;
  for (const auto& [name, value] : table) {
    const std::string key = "outputs." + name;
    if (!plain_name(name)) {
      reader.fail(value, fmt::format("{}: an output's name must be letters, digits and '_', not starting with a "
                                     "digit, at most 64 bytes (it is a column of results.csv)",
                                     key));
    }
    const std::string type = reader.string(value, key);
    const auto at = std::find(output_types.begin(), output_types.end(), type);
    if (at == output_types.end()) reader.fail(value, fmt::format("{} = \"{}\": {}", key, type, suggestion(type, output_types)));
    outputs.push_back({&value, {name, "", static_cast<OutputType>(at - output_types.begin())}});
  }
  // Columns follow the file, top to bottom, not the table's hash order.
  std::sort(outputs.begin(), outputs.end(), [](const auto& a, const auto& b) {
    const auto la = a.first->location(), lb = b.first->location();
    return std::pair(la.line(), la.column()) < std::pair(lb.line(), lb.column());
  });
  for (auto& [where, output] : outputs) kernel->outputs.push_back(std::move(output));
  return kernel;
}

std::shared_ptr<CommandSpec> read_command(const Reader& reader, const toml::table& top, const JobSpec& job,
                                          KernelInfo& kernel) {
  // The parameters, as the file gives them: [params], then [sweep].
  const auto declare = [&kernel](const std::string& name, const ParamValue& v, const char* doc) {
    const ParamType type = std::holds_alternative<std::int64_t>(v) ? ParamType::integer
                           : std::holds_alternative<double>(v)     ? ParamType::real
                                                                   : ParamType::choice;
    kernel.params.push_back({name, type, v, 0, 0, {}, doc});
  };
  for (std::size_t p = 0; p < job.fixed.names().size(); ++p) {
    declare(job.fixed.names()[p], job.fixed.values()[p], "set in [params]");
  }
  for (const auto& axis : job.sweep) declare(axis.name, axis.values.front(), "swept in [sweep]");
  std::vector<std::string> params;
  for (const auto& p : kernel.params) params.push_back(p.name);
  const std::vector<std::string> reserved = {"task", "repeat"};
  for (const auto& output : kernel.outputs) {
    const auto where = top.find("outputs");
    if (std::find(params.begin(), params.end(), output.name) != params.end() ||
        std::find(reserved.begin(), reserved.end(), output.name) != reserved.end()) {
      reader.fail(where->second, fmt::format("outputs.{}: the name is already a column of results.csv (task, "
                                             "repeat and the swept parameters are); name the output otherwise",
                                             output.name));
    }
  }

  auto command = std::make_shared<CommandSpec>();
  fs::path folder = fs::path(job.file).parent_path();
  command->base_dir = fs::absolute(folder.empty() ? fs::path(".") : folder).lexically_normal().string();
  if (command->base_dir.size() > 1 && command->base_dir.back() == '/') command->base_dir.pop_back();
  const toml::value& value = top.at("command");
  std::string problem;
  if (value.is_string()) {
    const std::string& script = value.as_string().str;
    if (script.find_first_not_of(" \t") == std::string::npos) {
      reader.fail(value, "command = \"\": the command is empty; name the program to run, e.g. command = [\"./sim\", "
                         "\"--seed\", \"{seed}\"]");
    }
    command->shell = true;
    command->written = script;
    command->argv.push_back(template_of(reader, value, "command", script, params));
    command->program = "/bin/sh";
    command->program_files.push_back(command->program);
    std::istringstream words(script);
    for (std::string word; words >> word;) {
      if (word.find('{') == std::string::npos) add_named_file(*command, word);
    }
  } else if (value.is_array()) {
    const auto& list = value.as_array();
    if (list.empty()) {
      reader.fail(value, "command = []: the command is empty; name the program to run first, e.g. command = "
                         "[\"./sim\", \"--seed\", \"{seed}\"]");
    }
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string key = fmt::format("command[{}]", k);
      const std::string arg = reader.string(list[k], key);
      if (arg.find('\0') != std::string::npos) reader.fail(list[k], fmt::format("{}: holds a NUL byte", key));
      command->written += (k == 0 ? "" : " ") + arg;
      command->argv.push_back(template_of(reader, list[k], key, arg, params));
    }
    if (has_placeholder(command->argv.front())) {
      reader.fail(list[0], fmt::format("command[0] = \"{}\": the program cannot hold placeholders: it is checked "
                                       "before anything runs",
                                       list[0].as_string().str));
    }
    command->program = resolve_program(list[0].as_string().str, command->base_dir, problem);
    if (command->program.empty()) {
      reader.fail(list[0], fmt::format("command[0] = \"{}\": {}", list[0].as_string().str, problem));
    }
    command->program_files.push_back(command->program);
    for (std::size_t k = 1; k < command->argv.size(); ++k) {
      if (!has_placeholder(command->argv[k])) add_named_file(*command, command->argv[k].front().text);
    }
  } else {
    reader.fail(value, fmt::format("command = {}: must be a list of arguments, run as they are (command = "
                                   "[\"./sim\", \"--t\", \"{{temperature}}\"]), or a string run by /bin/sh -c (got {})",
                                   Reader::shown(value), Reader::kind(value)));
  }
  read_outputs_from(reader, top, *command, params);
  command->task_dir = flag(reader, top, "task_dir");
  command->log_files = flag(reader, top, "log_files");
  if (command->log_files && !command->task_dir) {
    reader.fail(top.at("log_files"), "log_files = true: needs task_dir = true (the files go in each task's directory)");
  }
  const auto uses_dir = [](const TextTemplate& t) {
    return std::any_of(t.begin(), t.end(), [](const TemplatePart& p) { return p.kind == TemplatePart::Kind::dir; });
  };
  if (!command->task_dir && (std::any_of(command->argv.begin(), command->argv.end(), uses_dir) ||
                             uses_dir(command->outputs_file))) {
    reader.fail(value, "the command uses {dir}, the task's own directory: set task_dir = true");
  }
  // Tasks running at once in the job's folder would overwrite one file.
  const auto uses_task = [](const TextTemplate& t) {
    return std::any_of(t.begin(), t.end(), [](const TemplatePart& p) { return p.kind == TemplatePart::Kind::task; });
  };
  if (command->outputs_from == OutputsFrom::file && !command->task_dir && !uses_task(command->outputs_file)) {
    reader.fail(top.at("outputs_from"), "outputs_from = \"file:NAME\" without task_dir = true: NAME must contain "
                                        "{task} (tasks run side by side in the job's folder), or set task_dir = true");
  }
  return command;
}

}  // namespace partita::launch
