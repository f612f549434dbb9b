// bciin-cuckoo: operator tool to print graph keys, solve one graph and verify a solution, with the
// reference solver's conventions (-x header hex, -n nonce) so outputs can be compared side by side.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"

namespace {

void usage() {
  fmt::print(stderr,
             "usage: bciin-cuckoo <command> [options]\n"
             "  keys    print the four siphash keys of a header buffer and nonce\n"
             "  solve   find every 42-cycle of one or more graphs (mean or lean solver)\n"
             "  verify  check a 42-edge solution and print the result code\n"
             "Run 'bciin-cuckoo <command> --help' for the options of a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "keys") return bciin::cuckoo::tool::cmd_keys(args);
  if (command == "solve") return bciin::cuckoo::tool::cmd_solve(args);
  if (command == "verify") return bciin::cuckoo::tool::cmd_verify(args);
  if (command == "--help" || command == "-h" || command == "help") {
    usage();
    return 0;
  }
  fmt::print(stderr, "bciin-cuckoo: unknown command '{}'\n", command);
  usage();
  return 2;
}
