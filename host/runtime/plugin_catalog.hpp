// The plugins installed in the operator's plugin directories, read from their manifests only:
// no plugin code runs while the catalog is built.
#pragma once

#include "manifest.hpp"

#include <bciin/sdk/status.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bciin::host {

struct CatalogEntry {
  Manifest manifest;
  Status problem;  // ok, or why this plugin cannot be loaded (duplicate id, wrong ABI, ...)
};

class PluginCatalog {
 public:
  // Scans each directory for `<id>.json` manifests beside `<id>.so` libraries. A directory that
  // does not exist is an error naming it. Broken manifests and libraries without a manifest are
  // not errors here: they are listed in rejected() with the reason.
  static Status Scan(const std::vector<std::filesystem::path>& dirs, PluginCatalog* out);

  // Adds a component compiled into bciin-node. A plugin file with the same id is a duplicate.
  Status AddBuiltin(const bciin_plugin_descriptor& descriptor);

  // The entry for a plugin id, or nullptr if no directory has it.
  const CatalogEntry* Find(const std::string& id) const;
  const std::map<std::string, CatalogEntry>& entries() const { return entries_; }
  // Files that could not be read as plugins at all: (path, reason).
  const std::vector<std::pair<std::filesystem::path, Status>>& rejected() const { return rejected_; }

 private:
  std::map<std::string, CatalogEntry> entries_;
  std::vector<std::pair<std::filesystem::path, Status>> rejected_;
};

}  // namespace bciin::host
