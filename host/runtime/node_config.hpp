// The node's configuration in two passes (Boost.Program_options over one INI file plus the
// command line):
//   pass 1 reads the node's own options (which plugins, where they live, data dir, commands)
//          and leaves every plugin option aside;
//   pass 2 runs once the enabled plugins' manifests are known and is strict: every option in a
//          [plugin-id] section or given as --plugin-id.option must be declared by that plugin,
//          with a value of the declared type. Errors name the file and line, or the flag.
#pragma once

#include "config_file.hpp"
#include "manifest.hpp"

#include <bciin/sdk/status.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bciin::host {

// Exit codes of bciin-node; `--help` lists them.
enum ExitCode : int {
  kExitOk = 0,
  kExitRuntimeError = 1,  // a started node failed while running
  kExitUsage = 2,         // bad command line
  kExitConfig = 3,        // bad configuration file or option value
  kExitPluginLoad = 4,    // a plugin could not be found, checked or loaded
  kExitDependency = 5,    // requirements missing, out of range or cyclic
  kExitPluginStart = 6,   // a plugin failed in create or start
};
std::string ExitCodeHelp();

struct NodeSettings {
  std::optional<ConfigFile> file;
  std::vector<std::string> plugins;  // enabled plugin ids, in order, without repeats
  std::vector<std::filesystem::path> plugin_dirs;
  std::filesystem::path data_dir;
  std::string log_level = "info";
  bool help = false, version = false, list_plugins = false, print_default_config = false,
       check_config = false;
  std::vector<std::string> plugin_args;  // command-line words left for pass 2
};

// The operator's settings for one device: a [device.NAME] section.
struct DeviceSection {
  std::string name;
  std::string driver;
  std::vector<ConfigEntry> options;  // every key but `driver`
  std::string where;                 // "node.ini:40"
};

struct PluginSettings {
  // plugin id -> option name -> values (declared defaults filled in)
  std::map<std::string, std::map<std::string, std::vector<std::string>>> options;
  std::vector<DeviceSection> devices;
};

// Pass 1. `default_plugin_dir` applies when no plugin-dir is given; `default_plugins` when no
// plugin is named anywhere.
Status ParseNodeSettings(int argc, const char* const argv[], const std::filesystem::path& default_plugin_dir,
                         const std::vector<std::string>& default_plugins, NodeSettings* out);

// Pass 2 over the enabled plugins' manifests.
Status ResolvePluginSettings(const NodeSettings& node, const std::vector<const Manifest*>& enabled,
                             const std::vector<std::string>& installed_ids, PluginSettings* out);

// Checks one value against a declared option type; the error says what was expected.
Status CheckOptionValue(const std::string& type, const std::string& value);

// The text of `bciin-node --help` for the node's own options.
std::string NodeOptionsHelp();

}  // namespace bciin::host
