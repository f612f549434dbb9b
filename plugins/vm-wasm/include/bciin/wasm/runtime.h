// The runtime: a Store owns instances and the memories, tables and globals they use; a Linker
// resolves imports; functions run in the metered interpreter.
//
// Threading: a Store and everything in it is used by one thread at a time. CompiledModules are
// immutable and may be shared between stores on any threads.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bciin/wasm/compiled_module.h"
#include "bciin/wasm/options.h"
#include "bciin/wasm/status.h"
#include "bciin/wasm/types.h"

namespace bciin::wasm {

class Instance;
class HostContext;
class Store;
struct CallFrame;  // the interpreter's, defined in src/interpreter.h

// Linear memory. Its size only grows; every access from outside the interpreter is bounds-checked.
class Memory {
 public:
  // `max_pages_allowed` is the runtime limit applied on top of the declared maximum.
  Memory(Limits limits, uint32_t max_pages_allowed);

  uint32_t pages() const { return pages_; }
  uint64_t size() const { return bytes_.size(); }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  const Limits& limits() const { return limits_; }

  // Grows by `delta` pages. Returns the previous size in pages, or -1 when the declared maximum or
  // the runtime limit would be exceeded (nothing changes then).
  int64_t grow(uint32_t delta);
  // Whether grow(delta) would succeed.
  bool can_grow(uint32_t delta) const;

  // Copies [offset, offset + out.size()) out of memory; kTrapMemoryOutOfBounds if outside.
  Status read(uint64_t offset, std::span<uint8_t> out) const;
  // Copies `in` to [offset, offset + in.size()); kTrapMemoryOutOfBounds if outside.
  Status write(uint64_t offset, std::span<const uint8_t> in);

 private:
  std::vector<uint8_t> bytes_;
  Limits limits_;
  uint32_t pages_ = 0;
  uint32_t max_pages_ = 0;  // min(declared max, runtime limit)
};

struct FuncInstance;

// A table of function references (funcref). Null entries are uninitialized.
class Table {
 public:
  Table(Limits limits) : limits_(limits), elements_(limits.min, nullptr) {}
  uint32_t size() const { return static_cast<uint32_t>(elements_.size()); }
  const Limits& limits() const { return limits_; }
  std::vector<const FuncInstance*>& elements() { return elements_; }

 private:
  Limits limits_;
  std::vector<const FuncInstance*> elements_;
};

struct Global {
  ValueType type = ValueType::kI32;
  bool mutable_ = false;
  uint64_t value = 0;
};

// A host function receives its arguments and writes its results as raw 64-bit slots (i32 values
// in the low 32 bits). It returns Ok, or a trap status (kTrapHost with a message, kTrapOutOfGas
// from HostContext::charge_gas, ...) which ends the whole invocation.
using HostCallable =
    std::function<Status(HostContext& context, std::span<const uint64_t> args, std::span<uint64_t> results)>;

struct HostFunction {
  FuncType type;
  HostCallable callable;
};

// A function as it can be called: a defined function of an instance, or a host function.
struct FuncInstance {
  const FuncType* type = nullptr;
  Instance* instance = nullptr;            // defined functions
  const CompiledFunction* code = nullptr;  // defined functions
  const HostFunction* host = nullptr;      // host functions
};

// Remaining gas of one invocation (or instantiation). Gas only ever decreases.
class GasMeter {
 public:
  explicit GasMeter(uint64_t limit) : limit_(limit), remaining_(limit > kMax ? kMax : limit) {}
  static GasMeter Unlimited() { return GasMeter(kMax); }

  uint64_t limit() const { return limit_; }
  uint64_t remaining() const { return static_cast<uint64_t>(remaining_); }
  uint64_t used() const { return (limit_ > kMax ? kMax : limit_) - remaining(); }

  // Takes `amount`; when there is not that much left, takes everything and returns kTrapOutOfGas.
  Status charge(uint64_t amount);

 private:
  friend class Interpreter;
  static constexpr uint64_t kMax = uint64_t{1} << 62;
  uint64_t limit_;
  int64_t remaining_;
};

// What a host function may touch: gas, the calling instance's memory (bounds-checked), and the
// embedder's context pointer.
class HostContext {
 public:
  HostContext(GasMeter& gas, Instance* caller, void* user_data) : gas_(gas), caller_(caller), user_data_(user_data) {}

  Status charge_gas(uint64_t amount) { return gas_.charge(amount); }
  GasMeter& gas() { return gas_; }
  // The instance whose code made the call (nullptr when the embedder invoked the host function).
  Instance* caller() const { return caller_; }
  // The caller's memory, or nullptr if it has none.
  Memory* memory() const;
  Status read_memory(uint32_t address, std::span<uint8_t> out) const;
  Status write_memory(uint32_t address, std::span<const uint8_t> in) const;
  void* user_data() const { return user_data_; }

  static Status Trap(std::string message) { return Status(ErrorCode::kTrapHost, std::move(message)); }

 private:
  GasMeter& gas_;
  Instance* caller_;
  void* user_data_;
};

// Host functions by (module, name), e.g. ("bciin", "storage_get"). Outlives the stores that link
// against it.
class HostFunctionRegistry {
 public:
  void add(std::string module, std::string name, FuncType type, HostCallable callable);
  // nullptr when absent.
  const FuncInstance* find(std::string_view module, std::string_view name) const;

 private:
  struct Entry {
    HostFunction function;
    FuncInstance instance;
  };
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Entry>, std::less<>> entries_;
};

// A reference to something an instance exports or a module imports.
struct ExternVal {
  ExternKind kind = ExternKind::kFunction;
  const FuncInstance* function = nullptr;
  Table* table = nullptr;
  Memory* memory = nullptr;
  Global* global = nullptr;
};

// Resolves imports: explicit definitions first, then the host function registry (if any).
class Linker {
 public:
  explicit Linker(const HostFunctionRegistry* hosts = nullptr) : hosts_(hosts) {}
  void define(std::string module, std::string name, ExternVal value);
  // Defines every export of `instance` under `module`.
  void define_instance(const std::string& module, const Instance& instance);
  std::optional<ExternVal> find(std::string_view module, std::string_view name) const;

 private:
  const HostFunctionRegistry* hosts_;
  std::map<std::pair<std::string, std::string>, ExternVal, std::less<>> definitions_;
};

class Instance {
 public:
  const CompiledModule& module() const { return *compiled_; }
  std::optional<ExternVal> find_export(std::string_view name) const;
  // The exported function `name`, or nullptr.
  const FuncInstance* find_function(std::string_view name) const;
  Memory* memory() const { return memory_; }
  Store& store() const { return *store_; }

 private:
  friend class Store;
struct CallFrame;  // the interpreter's, defined in src/interpreter.h
  friend class Interpreter;
  Store* store_ = nullptr;
  std::shared_ptr<const CompiledModule> compiled_;
  std::vector<const FuncInstance*> functions_;
  Table* table_ = nullptr;
  Memory* memory_ = nullptr;
  std::vector<Global*> globals_;
};

class Store {
 public:
  explicit Store(RuntimeLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const RuntimeLimits& limits() const { return limits_; }

  // Instantiates `module`: resolves imports through `linker`, allocates memory, table and globals,
  // applies element then data segments, and runs the start function, all charged to `gas`.
  // Errors: kUnlinkable, kLimitExceeded, or a trap. Per the spec, segments applied before a trap
  // stay applied (imported memories and tables keep those writes).
  Result<Instance*> instantiate(std::shared_ptr<const CompiledModule> module, const Linker& linker, GasMeter& gas,
                                void* user_data = nullptr);

  // Calls `function` with `args` (checked against its type); on success `*results` holds its
  // results. Traps and out-of-gas are returned as status codes; the store stays usable.
  Status invoke(const FuncInstance& function, std::span<const Value> args, std::vector<Value>* results,
                GasMeter& gas, void* user_data = nullptr);

  // Standalone objects, for embedders that provide imports (e.g. the spec test "spectest" module).
  Memory* create_memory(Limits limits);
  Table* create_table(Limits limits);
  Global* create_global(ValueType type, bool mutable_, uint64_t value);

 private:
  friend class Interpreter;
  RuntimeLimits limits_;
  std::deque<Instance> instances_;
  std::deque<FuncInstance> functions_;
  std::deque<Memory> memories_;
  std::deque<Table> tables_;
  std::deque<Global> globals_;
  // The interpreter's stacks, allocated on first use and reused.
  std::vector<uint64_t> stack_;
  std::vector<CallFrame> frames_;
  int active_ = 0;               // nesting of invocations (host -> wasm re-entry)
};

}  // namespace bciin::wasm
