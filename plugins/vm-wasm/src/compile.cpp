// compile(): decode, module-level validation, then per-function validation and translation.
#include <fmt/format.h>

#include <set>

#include "bciin/wasm/compiled_module.h"
#include "bciin/wasm/decoder.h"
#include "function_compiler.h"
#include "reader.h"

namespace bciin::wasm {
namespace internal {
namespace {

class ModuleValidator {
 public:
  ModuleValidator(const Module& m, const CompileOptions& o) : m_(m), o_(o) {}

  void run() {
    for (const Import& im : m_.imports) {
      at_ = im.at;
      switch (im.kind) {
        case ExternKind::kFunction:
          if (im.type_index >= m_.types.size()) invalid("unknown type");
          break;
        case ExternKind::kTable: table_limits(im.limits); break;
        case ExternKind::kMemory: memory_limits(im.limits); break;
        case ExternKind::kGlobal:
          if (im.global.mutable_ && !o_.features.mutable_globals) unsupported("import of a mutable global");
          break;
      }
    }
    at_ = m_.section_at[3];
    for (size_t i = m_.num_imported_functions; i < m_.function_types.size(); ++i) {
      if (m_.function_types[i] >= m_.types.size()) invalid("unknown type");
    }
    at_ = m_.section_at[4] ? m_.section_at[4] : m_.section_at[2];
    if (m_.tables.size() > 1) unsupported("more than one table (reference types)");
    at_ = m_.section_at[5] ? m_.section_at[5] : m_.section_at[2];
    if (m_.memories.size() > 1) invalid("multiple memories");
    at_ = m_.section_at[4];
    for (size_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) table_limits(m_.tables[i]);
    at_ = m_.section_at[5];
    for (size_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) memory_limits(m_.memories[i]);
    for (const GlobalDef& g : m_.globals) {
      at_ = g.at;
      check_const(g.init, g.type.type);
    }
    std::set<std::string_view> names;
    for (const Export& e : m_.exports) {
      at_ = e.at;
      if (!names.insert(e.name).second) invalid("duplicate export name");
      switch (e.kind) {
        case ExternKind::kFunction: if (e.index >= m_.function_types.size()) invalid("unknown function"); break;
        case ExternKind::kTable: if (e.index >= m_.tables.size()) invalid("unknown table"); break;
        case ExternKind::kMemory: if (e.index >= m_.memories.size()) invalid("unknown memory"); break;
        case ExternKind::kGlobal:
          if (e.index >= m_.global_types.size()) invalid("unknown global");
          if (m_.global_types[e.index].mutable_ && !o_.features.mutable_globals) unsupported("export of a mutable global");
          break;
      }
    }
    if (m_.start) {
      at_ = m_.section_at[8];
      if (*m_.start >= m_.function_types.size()) invalid("unknown function");
      const FuncType& t = m_.function_type(*m_.start);
      if (!t.params.empty() || !t.results.empty()) invalid("start function must have type [] -> []");
    }
    for (const ElementSegment& seg : m_.elements) {
      at_ = seg.at;
      if (m_.tables.empty()) invalid("unknown table");
      check_const(seg.offset, {ValueType::kI32});
      for (uint32_t f : seg.functions) if (f >= m_.function_types.size()) invalid("unknown function");
    }
    for (const DataSegment& seg : m_.data) {
      at_ = seg.at;
      if (m_.memories.empty()) invalid("unknown memory");
      check_const(seg.offset, {ValueType::kI32});
    }
  }

 private:
  [[noreturn]] void invalid(const std::string& message) { fail(ErrorCode::kInvalid, message, at_); }
  [[noreturn]] void unsupported(const std::string& what) {
    fail(ErrorCode::kUnsupported, what + " is not supported", at_);
  }

  void table_limits(const Limits& l) {
    if (l.max && l.min > *l.max) invalid("size minimum must not be greater than maximum");
  }
  void memory_limits(const Limits& l) {
    if (l.min > kMaxPages || (l.max && *l.max > kMaxPages)) invalid("memory size must be at most 65536 pages (4GiB)");
    if (l.max && l.min > *l.max) invalid("size minimum must not be greater than maximum");
  }

  void check_const(const ConstExpr& e, ValueType expected) {
    ValueType actual = ValueType::kI32;
    switch (e.kind) {
      case ConstExpr::Kind::kI32: actual = ValueType::kI32; break;
      case ConstExpr::Kind::kI64: actual = ValueType::kI64; break;
      case ConstExpr::Kind::kGlobalGet:
        // Constant expressions may read imported globals only, and only immutable ones.
        if (e.value >= m_.num_imported_globals) invalid("unknown global");
        if (m_.global_types[e.value].mutable_) invalid("constant expression required");
        actual = m_.global_types[e.value].type;
        break;
    }
    if (actual != expected) invalid("type mismatch in constant expression");
  }

  const Module& m_;
  const CompileOptions& o_;
  uint64_t at_ = 0;  // offset of the entry being checked, reported with any error
};

}  // namespace
}  // namespace internal

int64_t CompiledModule::find_export(std::string_view name, ExternKind kind) const {
  for (const Export& e : module.exports) {
    if (e.name == name && e.kind == kind) return e.index;
  }
  return -1;
}

Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> bytes, const CompileOptions& options) {
  auto compiled = std::make_shared<CompiledModule>();
  Status s = decode_module(bytes, options.features, options.limits, &compiled->module);
  if (!s.ok()) return s;
  compiled->metered = options.metering;
  try {
    internal::ModuleValidator(compiled->module, options).run();
    const Module& m = compiled->module;
    compiled->functions.resize(m.bodies.size());
    for (uint32_t i = 0; i < m.bodies.size(); ++i) {
      internal::compile_function(m, options, i, &compiled->functions[i]);
      compiled->code_words += compiled->functions[i].code.size();
    }
  } catch (const internal::DecodeFailure& f) {
    return f.status;
  }
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

Status validate(std::span<const uint8_t> bytes, const CompileOptions& options) {
  auto result = compile(bytes, options);
  return result.ok() ? Status::Ok() : result.status();
}

}  // namespace bciin::wasm
