// Fuzz target: decode, validate and translate arbitrary bytes; when that succeeds, instantiate the
// module and run every exported function that takes no arguments under a small gas limit. Any
// input must end in a status, never a crash, a sanitizer report or an unbounded run.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bciin/wasm/compiled_module.h"
#include "bciin/wasm/runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bciin::wasm;
  CompileOptions options;
  options.limits.max_module_size = 1 << 20;
  auto compiled = compile(std::span<const uint8_t>(data, size), options);
  if (!compiled.ok()) return 0;
  RuntimeLimits limits;
  limits.max_memory_pages = 16;
  limits.max_table_size = 1000;
  limits.max_call_depth = 200;
  limits.max_stack_slots = 1 << 14;
  Store store(limits);
  Linker linker;  // no imports: modules that import anything fail to link, which is fine
  GasMeter gas(100000);
  auto inst = store.instantiate(compiled.value(), linker, gas);
  if (!inst.ok()) return 0;
  for (const Export& e : compiled.value()->module.exports) {
    if (e.kind != ExternKind::kFunction) continue;
    const FuncInstance* f = (*inst)->find_function(e.name);
    if (!f || !f->type->params.empty()) continue;
    GasMeter call_gas(100000);
    std::vector<Value> results;
    (void)store.invoke(*f, {}, &results, call_gas);
  }
  return 0;
}
