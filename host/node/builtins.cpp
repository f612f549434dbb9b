// The components compiled into bciin-node. Each is listed, configured, ordered and run like a
// plugin loaded from a file (see bciin_add_plugin(... BUILTIN)).
#include "builtins.h"

extern "C" const bciin_plugin_descriptor* bciin_builtin_entry_chain(void);

namespace bciin::host {

std::vector<const bciin_plugin_descriptor*> BuiltinPlugins() { return {bciin_builtin_entry_chain()}; }

}  // namespace bciin::host
