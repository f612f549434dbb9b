#include "node_config.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <set>
#include <sstream>

namespace po = boost::program_options;

namespace bciin::host {

namespace {

po::options_description NodeOptions() {
  po::options_description d("Node options");
  d.add_options()
      ("help,h", "print this help and the exit codes")
      ("version", "print the host version and its ABI version")
      ("config,c", po::value<std::string>(), "the INI configuration file")
      ("plugin,p", po::value<std::vector<std::string>>()->composing(), "enable a plugin by id (repeatable)")
      ("plugin-dir", po::value<std::vector<std::string>>()->composing(),
       "a directory of plugins, each <id>.so beside <id>.json (repeatable)")
      ("data-dir,d", po::value<std::string>(), "where the node keeps its data")
      ("log-level", po::value<std::string>(), "trace, debug, info, warn or error (default info)")
      ("list-plugins", "list installed plugins: which would load, which are rejected and why")
      ("print-default-config", "print a commented configuration with every installed plugin's options")
      ("check-config", "load and check the configuration and the plugins, then exit");
  return d;
}

// Keys allowed at the top of a config file: the node options that make sense in a file.
bool IsFileNodeKey(const std::string& key) {
  return key == "plugin" || key == "plugin-dir" || key == "data-dir" || key == "log-level";
}

po::parsed_options ToParsed(const std::vector<const ConfigEntry*>& entries, const po::options_description& desc,
                            bool prefixed) {
  po::parsed_options parsed(&desc);
  for (const ConfigEntry* e : entries) {
    po::option o;
    o.string_key = prefixed ? e->FullName() : e->key;
    o.value.push_back(e->value);
    o.original_tokens.push_back(o.string_key);
    o.original_tokens.push_back(e->value);
    parsed.options.push_back(std::move(o));
  }
  return parsed;
}

std::filesystem::path Resolve(const std::filesystem::path& p, const std::optional<ConfigFile>& file) {
  if (p.is_absolute() || !file) return p;
  return std::filesystem::absolute(file->path).parent_path() / p;
}

std::filesystem::path DefaultDataDir() {
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".bciin";
  return std::filesystem::absolute("bciin-data");
}

}  // namespace

std::string ExitCodeHelp() {
  return "Exit codes:\n"
         "  0  ok\n"
         "  1  the node failed while running\n"
         "  2  bad command line\n"
         "  3  bad configuration (file, line, option or value)\n"
         "  4  a plugin could not be found, checked or loaded\n"
         "  5  plugin requirements missing, out of range or cyclic\n"
         "  6  a plugin failed to create or start\n";
}

std::string NodeOptionsHelp() {
  std::ostringstream out;
  out << NodeOptions();
  return out.str();
}

Status CheckOptionValue(const std::string& type, const std::string& value) {
  auto whole = [&](auto parsed) {
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    return !value.empty() && ec == std::errc() && ptr == value.data() + value.size();
  };
  if (type == "int") {
    if (!whole(int64_t{})) return Status::InvalidArgument("'" + value + "' is not an integer");
  } else if (type == "uint") {
    if (!whole(uint64_t{})) return Status::InvalidArgument("'" + value + "' is not a non-negative integer");
  } else if (type == "double") {
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size())
      return Status::InvalidArgument("'" + value + "' is not a number");
  } else if (type == "bool") {
    static const std::set<std::string> words{"true", "false", "1", "0", "yes", "no", "on", "off"};
    if (!words.count(value)) return Status::InvalidArgument("'" + value + "' is not a boolean (true or false)");
  } else if (type == "path") {
    if (value.empty()) return Status::InvalidArgument("an empty path");
  }
  return Status();
}

Status ParseNodeSettings(int argc, const char* const argv[], const std::filesystem::path& default_plugin_dir,
                         const std::vector<std::string>& default_plugins, NodeSettings* out) {
  NodeSettings s;
  po::options_description desc = NodeOptions();
  po::variables_map vm;
  try {
    po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(desc).allow_unregistered().run();
    for (const auto& o : parsed.options) {
      if (o.position_key >= 0)
        return Status::InvalidArgument("unexpected argument '" + o.value.front() + "' (options start with --)");
    }
    s.plugin_args = po::collect_unrecognized(parsed.options, po::exclude_positional);
    po::store(parsed, vm);
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("command line: ") + e.what());
  }

  if (vm.count("config")) {
    ConfigFile file;
    BCIIN_RETURN_IF_ERROR(ReadConfigFile(vm["config"].as<std::string>(), &file));
    std::vector<const ConfigEntry*> top;
    for (const auto& e : file.entries) {
      if (!e.section.empty()) continue;
      if (!IsFileNodeKey(e.key))
        return Status::InvalidArgument(file.Where(e.line) + ": unknown option '" + e.key +
                                       "' (the top of the file takes plugin, plugin-dir, data-dir, log-level; plugin "
                                       "options go in a [plugin-id] section)");
      top.push_back(&e);
    }
    try {
      po::store(ToParsed(top, desc, /*prefixed=*/false), vm);
    } catch (const po::error& e) {
      return Status::InvalidArgument(file.path.string() + ": " + e.what());
    }
    s.file = std::move(file);
  }
  po::notify(vm);

  s.help = vm.count("help");
  s.version = vm.count("version");
  s.list_plugins = vm.count("list-plugins");
  s.print_default_config = vm.count("print-default-config");
  s.check_config = vm.count("check-config");
  if (vm.count("log-level")) {
    s.log_level = vm["log-level"].as<std::string>();
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error"};
    if (!levels.count(s.log_level))
      return Status::InvalidArgument("log-level '" + s.log_level + "' is not one of trace, debug, info, warn, error");
  }
  s.data_dir = vm.count("data-dir") ? Resolve(vm["data-dir"].as<std::string>(), s.file) : DefaultDataDir();
  if (vm.count("plugin-dir")) {
    for (const auto& d : vm["plugin-dir"].as<std::vector<std::string>>()) s.plugin_dirs.push_back(Resolve(d, s.file));
  } else {
    s.plugin_dirs.push_back(default_plugin_dir);
  }
  std::vector<std::string> plugins =
      vm.count("plugin") ? vm["plugin"].as<std::vector<std::string>>() : default_plugins;
  for (const auto& p : plugins)
    if (std::find(s.plugins.begin(), s.plugins.end(), p) == s.plugins.end()) s.plugins.push_back(p);
  *out = std::move(s);
  return Status();
}

Status ResolvePluginSettings(const NodeSettings& node, const std::vector<const Manifest*>& enabled,
                             const std::vector<std::string>& installed_ids, PluginSettings* out) {
  PluginSettings result;
  po::options_description desc("Plugin options");
  std::map<std::string, const Manifest*> by_id;
  for (const Manifest* m : enabled) {
    by_id[m->id] = m;
    for (const auto& o : m->options) {
      std::string name = m->id + "." + o.name;
      if (o.multi)
        desc.add_options()(name.c_str(), po::value<std::vector<std::string>>()->composing(), o.help.c_str());
      else
        desc.add_options()(name.c_str(), po::value<std::string>(), o.help.c_str());
    }
  }

  po::variables_map vm;
  // Command line first: for single-valued options the first stored value wins.
  try {
    po::store(po::command_line_parser(node.plugin_args).options(desc).run(), vm);
  } catch (const po::unknown_option& e) {
    return Status::InvalidArgument("command line: unknown option '" + e.get_option_name() +
                                   "' (plugin options are --<plugin-id>.<option> of an enabled plugin)");
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("command line: ") + e.what());
  }

  if (node.file) {
    const ConfigFile& file = *node.file;
    std::vector<const ConfigEntry*> plugin_entries;
    std::map<std::string, DeviceSection> devices;
    std::vector<std::string> device_order;
    for (const auto& e : file.entries) {
      if (e.section.empty()) continue;
      if (e.section.rfind("device.", 0) == 0) {
        std::string name = e.section.substr(7);
        if (name.empty()) return Status::InvalidArgument(file.Where(e.line) + ": [device.] needs a device name");
        auto [it, fresh] = devices.try_emplace(name);
        if (fresh) {
          it->second.name = name;
          it->second.where = file.Where(e.line);
          device_order.push_back(name);
        }
        if (e.key == "driver") it->second.driver = e.value;
        else it->second.options.push_back(e);
        continue;
      }
      auto m = by_id.find(e.section);
      if (m == by_id.end()) {
        bool installed = std::find(installed_ids.begin(), installed_ids.end(), e.section) != installed_ids.end();
        return Status::InvalidArgument(
            file.Where(e.line) + ": option '" + e.key + "' is for plugin '" + e.section + "', which " +
            (installed ? "is installed but not enabled (add 'plugin = " + e.section + "')"
                       : "is not installed in any plugin-dir"));
      }
      if (!m->second->FindOption(e.key)) {
        std::string known;
        for (const auto& o : m->second->options) known += (known.empty() ? "" : ", ") + o.name;
        return Status::InvalidArgument(file.Where(e.line) + ": unknown option '" + e.key + "' in [" + e.section +
                                       "] (plugin '" + e.section + "' declares: " +
                                       (known.empty() ? std::string("no options") : known) + ")");
      }
      plugin_entries.push_back(&e);
    }
    try {
      po::store(ToParsed(plugin_entries, desc, /*prefixed=*/true), vm);
    } catch (const po::error& e) {
      // Name the line: the last entry of the option Program_options complained about.
      std::string what = e.what();
      for (auto it = plugin_entries.rbegin(); it != plugin_entries.rend(); ++it)
        if (what.find((*it)->FullName()) != std::string::npos)
          return Status::InvalidArgument(file.Where((*it)->line) + ": " + what);
      return Status::InvalidArgument(file.path.string() + ": " + what);
    }
    for (const auto& name : device_order) {
      DeviceSection& d = devices[name];
      if (d.driver.empty())
        return Status::InvalidArgument(d.where + ": [device." + name + "] has no 'driver = <plugin-id>'");
      // Drivers run in their own worker process, not in the node: installed is enough.
      if (std::find(installed_ids.begin(), installed_ids.end(), d.driver) == installed_ids.end())
        return Status::InvalidArgument(d.where + ": [device." + name + "] names driver '" + d.driver +
                                       "', which is not installed in any plugin-dir");
      result.devices.push_back(std::move(d));
    }
  }

  // Typed values, defaults filled in; a bad value names where it came from.
  for (const Manifest* m : enabled) {
    auto& values = result.options[m->id];
    for (const auto& o : m->options) {
      std::string name = m->id + "." + o.name;
      std::vector<std::string> given;
      if (vm.count(name)) {
        if (o.multi) given = vm[name].as<std::vector<std::string>>();
        else given.push_back(vm[name].as<std::string>());
      } else if (o.default_value) {
        given.push_back(*o.default_value);
      }
      for (const auto& v : given) {
        Status s = CheckOptionValue(o.type, v);
        if (s.ok()) continue;
        std::string where = "option --" + name;
        if (node.file)
          for (const auto& e : node.file->entries)
            if (e.FullName() == name && e.value == v) where = node.file->Where(e.line) + ": option '" + o.name + "' in [" + m->id + "]";
        return Status::InvalidArgument(where + ": " + s.message() + " (declared type " + o.type + ")");
      }
      if (!given.empty()) values[o.name] = std::move(given);
    }
  }
  *out = std::move(result);
  return Status();
}

}  // namespace bciin::host
