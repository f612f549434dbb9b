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
  // Satisfy every import with a stub of the right type, so that importing modules run too.
  HostFunctionRegistry hosts;
  Linker linker(&hosts);
  const Module& m = compiled.value()->module;
  for (const Import& im : m.imports) {
    switch (im.kind) {
      case ExternKind::kFunction:
        hosts.add(im.module, im.name, m.types[im.type_index],
                  [](HostContext& ctx, std::span<const uint64_t>, std::span<uint64_t> results) {
                    for (uint64_t& r : results) r = 0;
                    return ctx.charge_gas(100);
                  });
        break;
      case ExternKind::kTable:
        if (im.limits.min <= limits.max_table_size) {
          linker.define(im.module, im.name, ExternVal{im.kind, nullptr, store.create_table(im.limits)});
        }
        break;
      case ExternKind::kMemory:
        if (im.limits.min <= limits.max_memory_pages) {
          linker.define(im.module, im.name, ExternVal{im.kind, nullptr, nullptr, store.create_memory(im.limits)});
        }
        break;
      case ExternKind::kGlobal:
        linker.define(im.module, im.name,
                      ExternVal{im.kind, nullptr, nullptr, nullptr,
                                store.create_global(im.global.type, im.global.mutable_, 0)});
        break;
    }
  }
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
