// The descriptors of the components built into bciin-node.
#pragma once

#include <bciin/abi.h>

#include <vector>

namespace bciin::host {

std::vector<const bciin_plugin_descriptor*> BuiltinPlugins();

}  // namespace bciin::host
