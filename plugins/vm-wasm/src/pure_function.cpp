#include "bciin/wasm/pure_function.h"

#include <fmt/format.h>

namespace bciin::wasm {
namespace {

// Copies `bytes` into fresh memory obtained from the module's `alloc`; returns the address.
Status place(Store& store, const FuncInstance& alloc, Memory& memory, std::span<const uint8_t> bytes, GasMeter& gas,
             void* user_data, uint32_t* address) {
  std::vector<Value> results;
  Status s = store.invoke(alloc, std::array{Value::I32(static_cast<uint32_t>(bytes.size()))}, &results, gas, user_data);
  if (!s.ok()) return s;
  *address = results[0].i32();
  return memory.write(*address, bytes);
}

}  // namespace

PureCallResult run_pure_function(std::shared_ptr<const CompiledModule> module, std::string_view function,
                                 std::span<const uint8_t> state, std::span<const uint8_t> input,
                                 const PureCallOptions& options) {
  PureCallResult out;
  GasMeter gas(options.gas_limit);
  auto finish = [&](Status s) {
    out.status = std::move(s);
    out.gas_used = gas.used();
    return std::move(out);
  };
  if (state.size() > UINT32_MAX || input.size() > UINT32_MAX) {
    return finish(Status(ErrorCode::kInvalidArgument, "state or input larger than 4 GiB"));
  }
  Store store(options.limits);
  Linker linker(options.allowed_hosts);
  auto inst = store.instantiate(module, linker, gas, options.user_data);
  if (!inst.ok()) return finish(inst.status());
  Instance& instance = **inst;

  static const FuncType kAllocType{{ValueType::kI32}, {ValueType::kI32}};
  static const FuncType kTransitionType{{ValueType::kI32, ValueType::kI32, ValueType::kI32, ValueType::kI32},
                                        {ValueType::kI64}};
  auto memory = instance.find_export("memory");
  const FuncInstance* alloc = instance.find_function("alloc");
  const FuncInstance* transition = instance.find_function(function);
  if (!memory || memory->kind != ExternKind::kMemory) {
    return finish(Status(ErrorCode::kNotFound, "pure module must export its memory as \"memory\""));
  }
  if (!alloc || *alloc->type != kAllocType) {
    return finish(Status(ErrorCode::kNotFound, "pure module must export alloc(i32) -> i32"));
  }
  if (!transition || *transition->type != kTransitionType) {
    return finish(Status(ErrorCode::kNotFound,
                         fmt::format("pure module must export {}(i32, i32, i32, i32) -> i64", function)));
  }
  uint32_t state_ptr = 0, input_ptr = 0;
  if (Status s = place(store, *alloc, *memory->memory, state, gas, options.user_data, &state_ptr); !s.ok()) {
    return finish(s);
  }
  if (Status s = place(store, *alloc, *memory->memory, input, gas, options.user_data, &input_ptr); !s.ok()) {
    return finish(s);
  }
  std::vector<Value> results;
  std::array args{Value::I32(state_ptr), Value::I32(static_cast<uint32_t>(state.size())), Value::I32(input_ptr),
                  Value::I32(static_cast<uint32_t>(input.size()))};
  if (Status s = store.invoke(*transition, args, &results, gas, options.user_data); !s.ok()) return finish(s);
  uint64_t packed = results[0].i64();
  uint32_t ptr = static_cast<uint32_t>(packed >> 32), len = static_cast<uint32_t>(packed);
  out.new_state.resize(len);
  if (Status s = memory->memory->read(ptr, out.new_state); !s.ok()) {
    out.new_state.clear();
    return finish(s);
  }
  return finish(Status::Ok());
}

}  // namespace bciin::wasm
