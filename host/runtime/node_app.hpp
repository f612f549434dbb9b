// bciin-node's commands: run the node, --list-plugins, --print-default-config, --check-config,
// --version, --help. Returns the process exit code (see ExitCode).
#pragma once

#include <bciin/abi.h>

#include <vector>

namespace bciin::host {

// `builtins`: descriptors of components compiled into bciin-node (the chain engine, ...). They
// are listed, configured, ordered and run exactly like plugins loaded from files.
int RunNode(int argc, const char* const argv[], const std::vector<const bciin_plugin_descriptor*>& builtins = {});

}  // namespace bciin::host
