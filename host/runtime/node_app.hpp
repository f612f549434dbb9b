// bciin-node's commands: run the node, --list-plugins, --print-default-config, --check-config,
// --version, --help. Returns the process exit code (see ExitCode).
#pragma once

namespace bciin::host {

int RunNode(int argc, const char* const argv[]);

}  // namespace bciin::host
