// Reading the operator's INI file with file and line for every entry, so that every later error
// ("unknown option", "bad value") can name where it came from.
#pragma once

#include <bciin/sdk/status.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bciin::host {

struct ConfigEntry {
  std::string section;  // "" for the top of the file, "storage-leveldb", "device.printer1"
  std::string key;
  std::string value;
  int line = 0;

  // "section.key", or "key" at the top level: the option's full name.
  std::string FullName() const { return section.empty() ? key : section + "." + key; }
};

struct ConfigFile {
  std::filesystem::path path;
  std::vector<ConfigEntry> entries;

  // "node.ini:12"
  std::string Where(int line) const { return path.string() + ":" + std::to_string(line); }
};

// Reads `key = value` lines under `[section]` headers; `#` and `;` start comments. A line that
// is none of these is an error naming the file and the line.
Status ReadConfigFile(const std::filesystem::path& path, ConfigFile* out);

}  // namespace bciin::host
