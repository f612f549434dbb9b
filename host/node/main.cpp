// bciin-node: the BCIIN host process.
#include "builtins.h"
#include "node_app.hpp"

int main(int argc, char** argv) { return bciin::host::RunNode(argc, argv, bciin::host::BuiltinPlugins()); }
