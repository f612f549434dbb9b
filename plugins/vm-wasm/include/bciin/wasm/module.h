// The decoded form of a binary module: sections parsed into plain structures, function bodies kept
// as byte ranges into the original bytes for the validator to read once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bciin/wasm/types.h"

namespace bciin::wasm {

enum class ExternKind : uint8_t { kFunction = 0, kTable = 1, kMemory = 2, kGlobal = 3 };

const char* extern_kind_name(ExternKind kind);

struct GlobalType {
  ValueType type = ValueType::kI32;
  bool mutable_ = false;
};

// A constant expression: i32.const, i64.const or global.get of an imported global.
struct ConstExpr {
  enum class Kind : uint8_t { kI32, kI64, kGlobalGet } kind = Kind::kI32;
  uint64_t value = 0;  // the constant, or the global index
};

struct Import {
  uint32_t at = 0;  // byte offset of the entry in the module, for error messages
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunction;
  uint32_t type_index = 0;  // kFunction
  Limits limits;            // kTable, kMemory
  GlobalType global;        // kGlobal
};

struct Export {
  uint32_t at = 0;
  std::string name;
  ExternKind kind = ExternKind::kFunction;
  uint32_t index = 0;
};

struct GlobalDef {
  uint32_t at = 0;
  GlobalType type;
  ConstExpr init;
};

struct ElementSegment {
  uint32_t at = 0;
  ConstExpr offset;
  std::vector<uint32_t> functions;
};

struct DataSegment {
  uint32_t at = 0;
  ConstExpr offset;
  uint32_t begin = 0;  // byte range of the payload in Module::bytes
  uint32_t size = 0;
};

struct FunctionBody {
  // Declared locals as (count, type) runs, as encoded: a run is expanded only while its function
  // is translated, so many functions with many locals cannot blow up memory at decode.
  std::vector<std::pair<uint32_t, ValueType>> local_runs;
  uint32_t num_locals = 0;  // total over the runs (params not included)
  uint32_t code_begin = 0;        // offset of the first instruction in Module::bytes
  uint32_t code_end = 0;          // one past the final `end`
};

struct Module {
  std::vector<uint8_t> bytes;  // the original encoding (function bodies and data point into it)
  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<uint32_t> function_types;  // type index of every function, imported ones first
  std::vector<Limits> tables;            // imported ones first; at most one in the MVP
  std::vector<Limits> memories;          // imported ones first; at most one
  std::vector<GlobalType> global_types;  // imported ones first
  std::vector<GlobalDef> globals;        // defined globals only
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElementSegment> elements;
  std::vector<DataSegment> data;
  std::vector<FunctionBody> bodies;  // defined functions only
  std::array<uint32_t, 13> section_at{};  // payload offset of each section by id (0: absent)
  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  const FuncType& function_type(uint32_t func_index) const { return types[function_types[func_index]]; }
};

}  // namespace bciin::wasm
