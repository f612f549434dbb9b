// Store, instantiation and linking.
#include <fmt/format.h>

#include <cstring>

#include "bciin/wasm/gas_schedule.h"
#include "bciin/wasm/runtime.h"
#include "interpreter.h"

namespace bciin::wasm {

// ---- Memory -----------------------------------------------------------------------------------

Memory::Memory(Limits limits, uint32_t max_pages_allowed) : limits_(limits) {
  max_pages_ = std::min(limits.max.value_or(kMaxPages), max_pages_allowed);
  pages_ = limits.min;
  bytes_.assign(uint64_t{pages_} * kPageSize, 0);
}

bool Memory::can_grow(uint32_t delta) const { return uint64_t{pages_} + delta <= max_pages_; }

int64_t Memory::grow(uint32_t delta) {
  if (!can_grow(delta)) return -1;
  uint32_t old = pages_;
  pages_ += delta;
  bytes_.resize(uint64_t{pages_} * kPageSize, 0);
  return old;
}

Status Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > bytes_.size() || out.size() > bytes_.size() - offset) {
    return Status(ErrorCode::kTrapMemoryOutOfBounds, "out of bounds memory access");
  }
  if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return Status::Ok();
}

Status Memory::write(uint64_t offset, std::span<const uint8_t> in) {
  if (offset > bytes_.size() || in.size() > bytes_.size() - offset) {
    return Status(ErrorCode::kTrapMemoryOutOfBounds, "out of bounds memory access");
  }
  if (!in.empty()) std::memcpy(bytes_.data() + offset, in.data(), in.size());
  return Status::Ok();
}

// ---- Gas, host context, registry, linker ------------------------------------------------------------

Status GasMeter::charge(uint64_t amount) {
  if (amount > static_cast<uint64_t>(remaining_)) {
    remaining_ = 0;
    return Status(ErrorCode::kTrapOutOfGas, "out of gas");
  }
  remaining_ -= static_cast<int64_t>(amount);
  return Status::Ok();
}

Memory* HostContext::memory() const { return caller_ ? caller_->memory() : nullptr; }

Status HostContext::read_memory(uint32_t address, std::span<uint8_t> out) const {
  Memory* m = memory();
  if (!m) return Status(ErrorCode::kTrapMemoryOutOfBounds, "caller has no memory");
  return m->read(address, out);
}

Status HostContext::write_memory(uint32_t address, std::span<const uint8_t> in) const {
  Memory* m = memory();
  if (!m) return Status(ErrorCode::kTrapMemoryOutOfBounds, "caller has no memory");
  return m->write(address, in);
}

void HostFunctionRegistry::add(std::string module, std::string name, FuncType type, HostCallable callable) {
  auto entry = std::make_unique<Entry>();
  entry->function = HostFunction{std::move(type), std::move(callable)};
  entry->instance.type = &entry->function.type;
  entry->instance.host = &entry->function;
  entries_[{std::move(module), std::move(name)}] = std::move(entry);
}

const FuncInstance* HostFunctionRegistry::find(std::string_view module, std::string_view name) const {
  auto it = entries_.find(std::pair<std::string, std::string>(module, name));
  return it == entries_.end() ? nullptr : &it->second->instance;
}

void Linker::define(std::string module, std::string name, ExternVal value) {
  definitions_[{std::move(module), std::move(name)}] = value;
}

void Linker::define_instance(const std::string& module, const Instance& instance) {
  for (const Export& e : instance.module().module.exports) {
    if (auto v = instance.find_export(e.name)) define(module, e.name, *v);
  }
}

std::optional<ExternVal> Linker::find(std::string_view module, std::string_view name) const {
  auto it = definitions_.find(std::pair<std::string, std::string>(module, name));
  if (it != definitions_.end()) return it->second;
  if (hosts_) {
    if (const FuncInstance* f = hosts_->find(module, name)) return ExternVal{ExternKind::kFunction, f};
  }
  return std::nullopt;
}

// ---- Instance ---------------------------------------------------------------------------------

std::optional<ExternVal> Instance::find_export(std::string_view name) const {
  for (const Export& e : compiled_->module.exports) {
    if (e.name != name) continue;
    ExternVal v;
    v.kind = e.kind;
    switch (e.kind) {
      case ExternKind::kFunction: v.function = functions_[e.index]; break;
      case ExternKind::kTable: v.table = table_; break;
      case ExternKind::kMemory: v.memory = memory_; break;
      case ExternKind::kGlobal: v.global = globals_[e.index]; break;
    }
    return v;
  }
  return std::nullopt;
}

const FuncInstance* Instance::find_function(std::string_view name) const {
  auto v = find_export(name);
  return v && v->kind == ExternKind::kFunction ? v->function : nullptr;
}

// ---- Store ------------------------------------------------------------------------------------

Store::Store(RuntimeLimits limits) : limits_(limits) {}
Store::~Store() = default;

Memory* Store::create_memory(Limits limits) { return &memories_.emplace_back(limits, limits_.max_memory_pages); }
Table* Store::create_table(Limits limits) { return &tables_.emplace_back(limits); }
Global* Store::create_global(ValueType type, bool mutable_, uint64_t value) {
  return &globals_.emplace_back(Global{type, mutable_, value});
}

namespace {

bool limits_match(uint64_t actual_min, std::optional<uint32_t> actual_max, const Limits& wanted) {
  if (actual_min < wanted.min) return false;
  if (wanted.max) return actual_max && *actual_max <= *wanted.max;
  return true;
}

Status unlinkable(const Import& im, const char* why) {
  return Status(ErrorCode::kUnlinkable, fmt::format("{} import {}.{}: {}", extern_kind_name(im.kind), im.module,
                                                    im.name, why));
}

}  // namespace

Result<Instance*> Store::instantiate(std::shared_ptr<const CompiledModule> compiled, const Linker& linker,
                                     GasMeter& gas, void* user_data) {
  const Module& m = compiled->module;
  Instance staged;
  staged.store_ = this;
  staged.compiled_ = compiled;

  // Resolve imports first: nothing is allocated for a module that cannot link.
  for (const Import& im : m.imports) {
    auto v = linker.find(im.module, im.name);
    if (!v) return unlinkable(im, "unknown import");
    if (v->kind != im.kind) return unlinkable(im, "incompatible import type");
    switch (im.kind) {
      case ExternKind::kFunction:
        if (*v->function->type != m.types[im.type_index]) return unlinkable(im, "incompatible import type");
        staged.functions_.push_back(v->function);
        break;
      case ExternKind::kTable:
        if (!limits_match(v->table->size(), v->table->limits().max, im.limits)) {
          return unlinkable(im, "incompatible import type");
        }
        staged.table_ = v->table;
        break;
      case ExternKind::kMemory:
        if (!limits_match(v->memory->pages(), v->memory->limits().max, im.limits)) {
          return unlinkable(im, "incompatible import type");
        }
        staged.memory_ = v->memory;
        break;
      case ExternKind::kGlobal:
        if (v->global->type != im.global.type || v->global->mutable_ != im.global.mutable_) {
          return unlinkable(im, "incompatible import type");
        }
        staged.globals_.push_back(v->global);
        break;
    }
  }

  // Space limits, and gas for the space taken.
  if (m.tables.size() > m.num_imported_tables) {
    const Limits& l = m.tables.back();
    if (l.min > limits_.max_table_size) {
      return Status(ErrorCode::kLimitExceeded, fmt::format("table of {} elements exceeds the limit of {}", l.min,
                                                           limits_.max_table_size));
    }
    if (Status s = gas.charge(uint64_t{l.min} * kGasPerTableElement); !s.ok()) return s;
  }
  if (m.memories.size() > m.num_imported_memories) {
    const Limits& l = m.memories.back();
    if (l.min > limits_.max_memory_pages) {
      return Status(ErrorCode::kLimitExceeded, fmt::format("memory of {} pages exceeds the limit of {}", l.min,
                                                           limits_.max_memory_pages));
    }
    if (Status s = gas.charge(uint64_t{l.min} * kGasPerMemoryPage); !s.ok()) return s;
  }
  uint64_t data_bytes = 0;
  for (const DataSegment& d : m.data) data_bytes += d.size;
  if (Status s = gas.charge((data_bytes + 7) / 8 * kGasPerDataByte8); !s.ok()) return s;

  // From here on the instance exists in the store (segments applied before a trap stay applied).
  Instance* inst = &instances_.emplace_back(std::move(staged));
  if (m.tables.size() > m.num_imported_tables) {
    Limits l = m.tables.back();
    if (l.max && *l.max > limits_.max_table_size) l.max = limits_.max_table_size;
    inst->table_ = create_table(l);
  }
  if (m.memories.size() > m.num_imported_memories) inst->memory_ = create_memory(m.memories.back());
  for (size_t i = 0; i < m.bodies.size(); ++i) {
    FuncInstance& f = functions_.emplace_back();
    f.type = &m.types[compiled->functions[i].type_index];
    f.instance = inst;
    f.code = &compiled->functions[i];
    inst->functions_.push_back(&f);
  }
  auto eval = [&](const ConstExpr& e) -> uint64_t {
    return e.kind == ConstExpr::Kind::kGlobalGet ? inst->globals_[e.value]->value : e.value;
  };
  for (const GlobalDef& g : m.globals) {
    inst->globals_.push_back(create_global(g.type.type, g.type.mutable_, eval(g.init)));
  }

  for (const ElementSegment& seg : m.elements) {
    uint64_t offset = static_cast<uint32_t>(eval(seg.offset));
    auto& elements = inst->table_->elements();
    if (offset + seg.functions.size() > elements.size()) {
      return Status(ErrorCode::kTrapTableOutOfBounds, "out of bounds table access");
    }
    for (size_t i = 0; i < seg.functions.size(); ++i) elements[offset + i] = inst->functions_[seg.functions[i]];
  }
  for (const DataSegment& seg : m.data) {
    uint64_t offset = static_cast<uint32_t>(eval(seg.offset));
    Status s = inst->memory_->write(offset, std::span<const uint8_t>(m.bytes.data() + seg.begin, seg.size));
    if (!s.ok()) return s;
  }
  if (m.start) {
    Status s = Interpreter::call(*this, *inst->functions_[*m.start], {}, {}, gas, user_data);
    if (!s.ok()) return s;
  }
  return inst;
}

Status Store::invoke(const FuncInstance& function, std::span<const Value> args, std::vector<Value>* results,
                     GasMeter& gas, void* user_data) {
  const FuncType& type = *function.type;
  if (args.size() != type.params.size()) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("expected {} arguments, got {}", type.params.size(), args.size()));
  }
  std::vector<uint64_t> raw_args(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != type.params[i]) {
      return Status(ErrorCode::kInvalidArgument, fmt::format("argument {} must be {}", i, value_type_name(type.params[i])));
    }
    raw_args[i] = args[i].type == ValueType::kI32 ? uint64_t{args[i].i32()} : args[i].bits;
  }
  std::vector<uint64_t> raw_results(type.results.size());
  Status s = Interpreter::call(*this, function, raw_args, raw_results, gas, user_data);
  if (!s.ok()) return s;
  results->clear();
  for (size_t i = 0; i < raw_results.size(); ++i) {
    uint64_t bits = type.results[i] == ValueType::kI32 ? uint64_t{static_cast<uint32_t>(raw_results[i])} : raw_results[i];
    results->push_back(Value{type.results[i], bits});
  }
  return Status::Ok();
}

}  // namespace bciin::wasm
