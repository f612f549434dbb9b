// Subcommands of bciin-cuckoo. Each parses its own options and returns the process exit code:
// 0 success, 1 a negative result (verify failed), 2 bad input or an error.
#pragma once

#include <string>
#include <vector>

namespace bciin::cuckoo::tool {

int cmd_keys(const std::vector<std::string>& args);
int cmd_solve(const std::vector<std::string>& args);
int cmd_verify(const std::vector<std::string>& args);

}  // namespace bciin::cuckoo::tool
