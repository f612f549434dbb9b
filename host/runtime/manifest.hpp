// A plugin manifest: the JSON file beside each plugin library that bciin_add_plugin() writes.
// The host reads manifests to list, check and order plugins without running any plugin code.
#pragma once

#include "semver.hpp"

#include <bciin/abi.h>
#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bciin::host {

struct OptionDecl {
  std::string name;
  std::string type;  // string int uint bool double path
  std::optional<std::string> default_value;
  std::string help;
  bool multi = false;
};

struct ProvideDecl {
  std::string id;
  Version version;
};

struct RequireDecl {
  std::string id;
  VersionRange range;
};

struct Manifest {
  std::filesystem::path file;     // where it was read from
  std::filesystem::path library;  // absolute path of the shared object
  std::string id;
  std::string version_text;
  Version version;
  std::string kind;
  std::string description;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::string entry_symbol;
  std::vector<ProvideDecl> provides;
  std::vector<RequireDecl> requires_;
  std::vector<OptionDecl> options;
  // Set for a component compiled into bciin-node: its descriptor, no library file.
  const bciin_plugin_descriptor* builtin = nullptr;

  const OptionDecl* FindOption(const std::string& name) const;
};

// The option types a manifest may declare.
bool IsKnownOptionType(const std::string& type);

// The manifest of a built-in component, read from its descriptor (which it cannot disagree with).
Status ManifestFromDescriptor(const bciin_plugin_descriptor& d, Manifest* out);

// Reads and checks a manifest. Errors name the file and the field ("manifest
// /p/x.json: field 'version': ...").
Status LoadManifest(const std::filesystem::path& file, Manifest* out);

}  // namespace bciin::host
