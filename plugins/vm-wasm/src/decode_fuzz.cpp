// Fuzz target: decode, validate and translate arbitrary bytes; when that succeeds, instantiate the
// module (every import satisfied by a stub) and run every exported function that takes no
// arguments under a small gas limit. Any input must end in a status, never a crash, a sanitizer
// report or an unbounded run.
//
// It is also a differential test of the two translations: the same calls run on a metered and an
// unmetered build of the module must give the same results and the same trap codes (until the
// metered run first runs out of gas, after which the two no longer see the same state).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bciin/wasm/compiled_module.h"
#include "bciin/wasm/runtime.h"

namespace {

using namespace bciin::wasm;

RuntimeLimits fuzz_limits() {
  RuntimeLimits limits;
  limits.max_memory_pages = 16;
  limits.max_table_size = 1000;
  limits.max_call_depth = 200;
  limits.max_stack_slots = 1 << 14;
  return limits;
}

// Defines a stub for every import of `m` in `store` / `hosts` / `linker`.
void stub_imports(const Module& m, Store& store, HostFunctionRegistry& hosts, Linker& linker) {
  const RuntimeLimits& limits = store.limits();
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
}

struct Run {
  Store store{fuzz_limits()};
  HostFunctionRegistry hosts;
  Linker linker{&hosts};
  Instance* instance = nullptr;
  Status status;

  explicit Run(const std::shared_ptr<const CompiledModule>& module, uint64_t gas_limit) {
    stub_imports(module->module, store, hosts, linker);
    GasMeter gas(gas_limit);
    auto inst = store.instantiate(module, linker, gas);
    status = inst.status();
    if (inst.ok()) instance = inst.value();
  }
};

[[noreturn]] void mismatch(const char* what) {
  std::fprintf(stderr, "metered and unmetered runs differ: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CompileOptions options;
  options.limits.max_module_size = 1 << 20;
  auto metered = compile(std::span<const uint8_t>(data, size), options);
  options.metering = false;
  auto unmetered = compile(std::span<const uint8_t>(data, size), options);
  if (metered.ok() != unmetered.ok()) mismatch("compile");
  if (!metered.ok()) return 0;

  constexpr uint64_t kGas = 100000;
  Run a(metered.value(), kGas);
  if (a.status.code() == ErrorCode::kTrapOutOfGas) return 0;  // the unmetered start might never end
  // The metered instantiation ended within kGas, so the unmetered one ends too.
  Run b(unmetered.value(), ~uint64_t{0});
  if (a.status.code() != b.status.code()) mismatch("instantiate");
  if (!a.instance) return 0;
  bool compare = true;
  for (const Export& e : metered.value()->module.exports) {
    if (e.kind != ExternKind::kFunction) continue;
    const FuncInstance* fa = a.instance->find_function(e.name);
    if (!fa || !fa->type->params.empty()) continue;
    GasMeter gas(kGas);
    std::vector<Value> ra, rb;
    Status sa = a.store.invoke(*fa, {}, &ra, gas);
    if (!compare || !b.instance) continue;
    if (sa.code() == ErrorCode::kTrapOutOfGas) {
      compare = false;  // the unmetered run would go on; state diverges from here
      continue;
    }
    GasMeter unlimited = GasMeter::Unlimited();
    Status sb = b.store.invoke(*b.instance->find_function(e.name), {}, &rb, unlimited);
    if (sa.code() != sb.code()) mismatch("trap code");
    if (sa.ok() && ra != rb) mismatch("results");
  }
  return 0;
}
