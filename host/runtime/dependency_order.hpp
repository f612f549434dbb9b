// Orders the enabled plugins so every plugin comes after the plugins it requires.
#pragma once

#include "manifest.hpp"
#include "plugin_catalog.hpp"

#include <bciin/sdk/status.hpp>

#include <vector>

namespace bciin::host {

// `enabled` in configuration order. A requirement names a plugin id (its version must be in the
// range) or a service id that an enabled plugin provides (the service version must be in range);
// every enabled provider comes first. An "optional ..." requirement may have no provider.
// On success `order` holds indexes into `enabled`, dependencies first, ties in configuration
// order. Errors name the plugins involved: a missing requirement (with a hint when an installed
// but disabled plugin would satisfy it), a version out of range, or the cycle.
Status OrderByRequirements(const std::vector<const Manifest*>& enabled, const PluginCatalog& catalog,
                           std::vector<size_t>* order);

}  // namespace bciin::host
