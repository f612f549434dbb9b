#include "plugin_catalog.hpp"

#include <bciin/abi.h>

#include <algorithm>
#include <set>

namespace bciin::host {

Status PluginCatalog::Scan(const std::vector<std::filesystem::path>& dirs, PluginCatalog* out) {
  PluginCatalog catalog;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      return Status::NotFound("plugin-dir " + dir.string() + " does not exist or is not a directory");
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::set<std::filesystem::path> described;
    for (const auto& file : files) {
      if (file.extension() != ".json") continue;
      Manifest m;
      Status s = LoadManifest(file, &m);
      if (!s.ok()) {
        catalog.rejected_.emplace_back(file, s);
        continue;
      }
      described.insert(m.library);
      CatalogEntry entry{m, Status()};
      std::error_code lib_ec;
      if (!std::filesystem::is_regular_file(m.library, lib_ec)) {
        entry.problem = Status::NotFound("manifest " + file.string() + " names library " +
                                         m.library.string() + ", which does not exist");
      } else if (m.abi_major != BCIIN_ABI_MAJOR) {
        entry.problem = Status::Unsupported(
            "plugin '" + m.id + "' (" + m.library.string() + ") was built for ABI " +
            std::to_string(m.abi_major) + "." + std::to_string(m.abi_minor) + ", this host speaks ABI " +
            std::to_string(BCIIN_ABI_MAJOR) + "." + std::to_string(BCIIN_ABI_MINOR) +
            ": rebuild it against SDK " + std::to_string(BCIIN_ABI_MAJOR) + ".x");
      } else if (m.abi_minor > BCIIN_ABI_MINOR) {
        entry.problem = Status::Unsupported(
            "plugin '" + m.id + "' (" + m.library.string() + ") needs ABI " + std::to_string(m.abi_major) +
            "." + std::to_string(m.abi_minor) + ", newer than this host's " + std::to_string(BCIIN_ABI_MAJOR) +
            "." + std::to_string(BCIIN_ABI_MINOR) + ": upgrade bciin-node or rebuild the plugin against SDK " +
            std::to_string(BCIIN_ABI_MAJOR) + "." + std::to_string(BCIIN_ABI_MINOR));
      }
      auto [it, inserted] = catalog.entries_.emplace(m.id, entry);
      if (!inserted) {
        it->second.problem = Status::AlreadyExists("plugin id '" + m.id + "' is defined twice: " +
                                                   it->second.manifest.file.string() + " and " + file.string());
      }
    }
    for (const auto& file : files) {
      if (file.extension() == ".so" && !described.count(std::filesystem::absolute(file)))
        catalog.rejected_.emplace_back(
            file, Status::NotFound("library " + file.string() + " has no manifest (expected " +
                                   file.stem().string() + ".json beside it; build plugins with bciin_add_plugin())"));
    }
  }
  *out = std::move(catalog);
  return Status();
}

Status PluginCatalog::AddBuiltin(const bciin_plugin_descriptor& descriptor) {
  Manifest m;
  BCIIN_RETURN_IF_ERROR(ManifestFromDescriptor(descriptor, &m));
  auto [it, inserted] = entries_.emplace(m.id, CatalogEntry{m, Status()});
  if (!inserted)
    it->second.problem = Status::AlreadyExists("plugin id '" + m.id + "' is defined twice: built into bciin-node and " +
                                               it->second.manifest.file.string());
  return Status();
}

const CatalogEntry* PluginCatalog::Find(const std::string& id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace bciin::host
