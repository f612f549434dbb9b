// A loaded plugin library: checked before loading (it must be a shared object exporting the
// manifest's entry symbol), loaded with Boost.DLL, and its descriptor cross-checked against the
// manifest. The library stays mapped for the whole life of this object; the runtime destroys
// every plugin instance before it destroys the library it came from.
#pragma once

#include "manifest.hpp"

#include <bciin/abi.h>
#include <bciin/sdk/status.hpp>

#include <boost/dll/shared_library.hpp>

#include <memory>

namespace bciin::host {

class PluginLibrary {
 public:
  // Checks without running plugin code: the file is a shared object and exports the entry
  // symbol. When it exports another major's entry symbol instead, the error says so.
  static Status Inspect(const Manifest& manifest);

  // Inspect(), then load, read the descriptor and cross-check it against the manifest.
  static Status Load(const Manifest& manifest, std::unique_ptr<PluginLibrary>* out);

  const bciin_plugin_descriptor& descriptor() const { return *descriptor_; }
  const Manifest& manifest() const { return manifest_; }

 private:
  PluginLibrary() = default;
  Manifest manifest_;
  boost::dll::shared_library library_;
  const bciin_plugin_descriptor* descriptor_ = nullptr;
};

// Compares a descriptor with its manifest field by field; the error names the first difference.
Status CrossCheckDescriptor(const Manifest& manifest, const bciin_plugin_descriptor& d);

}  // namespace bciin::host
