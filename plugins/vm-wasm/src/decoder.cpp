#include "bciin/wasm/decoder.h"

#include <fmt/format.h>

#include "reader.h"
#include "utf8.h"

namespace bciin::wasm {
namespace internal {

std::string Reader::name() {
  uint32_t length = u32();
  if (length > remaining()) malformed("length out of bounds");
  const char* begin = reinterpret_cast<const char*>(data_ + pos_);
  if (!is_valid_utf8(begin, length)) malformed("malformed UTF-8 encoding");
  pos_ += length;
  return std::string(begin, length);
}

namespace {

enum SectionId : uint8_t {
  kCustom = 0, kType, kImport, kFunction, kTable, kMemory, kGlobal, kExport, kStart, kElement, kCode, kData,
  kDataCount,
};

// Section order in the binary format; data count (12) sits between element and code.
int section_rank(uint8_t id) {
  switch (id) {
    case kDataCount: return 10;  // after element (9)
    case kCode: return 11;
    case kData: return 12;
    default: return id;
  }
}

class Decoder {
 public:
  Decoder(const Features& features, const DecodeLimits& limits, Module* module)
      : features_(features), limits_(limits), m_(*module) {}

  void decode() {
    Reader r(m_.bytes.data(), 0, m_.bytes.size());
    if (r.remaining() < 4 || r.u8() != 0x00 || r.u8() != 0x61 || r.u8() != 0x73 || r.u8() != 0x6D) {
      fail(ErrorCode::kMalformed, "magic header not detected", 0);
    }
    if (r.remaining() < 4) fail(ErrorCode::kMalformed, "unexpected end", r.pos());
    if (r.u8() != 1 || r.u8() != 0 || r.u8() != 0 || r.u8() != 0) {
      fail(ErrorCode::kMalformed, "unknown binary version", 4);
    }
    int last_rank = 0;
    uint32_t function_count = 0;
    bool saw_function = false, saw_code = false;
    while (!r.at_end()) {
      size_t id_pos = r.pos();
      uint8_t id = r.u8();
      if (id > kDataCount) fail(ErrorCode::kMalformed, "malformed section id", id_pos);
      uint32_t size = r.u32();
      if (size > r.remaining()) fail(ErrorCode::kMalformed, "length out of bounds", r.pos());
      Reader s(m_.bytes.data(), r.pos(), r.pos() + size);
      m_.section_at[id] = static_cast<uint32_t>(r.pos());
      r.skip_to(r.pos() + size);
      if (id != kCustom) {
        int rank = section_rank(id);
        if (rank <= last_rank) fail(ErrorCode::kMalformed, "unexpected content after last section", id_pos);
        last_rank = rank;
      }
      switch (id) {
        case kCustom: s.name(); s.skip_to(s.end()); break;
        case kType: types(s); break;
        case kImport: imports(s); break;
        case kFunction: function_count = functions(s); saw_function = true; break;
        case kTable: tables(s); break;
        case kMemory: memories(s); break;
        case kGlobal: globals(s); break;
        case kExport: exports(s); break;
        case kStart: m_.start = s.u32(); break;
        case kElement: elements(s); break;
        case kDataCount: fail(ErrorCode::kUnsupported, "data count section (bulk memory) is not supported", id_pos);
        case kCode: code(s); saw_code = true; break;
        case kData: data(s); break;
      }
      if (s.pos() != s.end()) fail(ErrorCode::kMalformed, "section size mismatch", s.pos());
    }
    uint32_t code_count = static_cast<uint32_t>(m_.bodies.size());
    if ((saw_function ? function_count : 0) != (saw_code ? code_count : 0)) {
      fail(ErrorCode::kMalformed, "function and code section have inconsistent lengths", m_.bytes.size());
    }
  }

 private:
  ValueType value_type(Reader& r) {
    size_t at = r.pos();
    uint8_t b = r.u8();
    switch (b) {
      case 0x7F: return ValueType::kI32;
      case 0x7E: return ValueType::kI64;
      case 0x7D: fail(ErrorCode::kUnsupported, "floating point type f32 is not supported", at);
      case 0x7C: fail(ErrorCode::kUnsupported, "floating point type f64 is not supported", at);
      case 0x7B: fail(ErrorCode::kUnsupported, "SIMD type v128 is not supported", at);
      case 0x70:
      case 0x6F: fail(ErrorCode::kUnsupported, "reference types as values are not supported", at);
      default: fail(ErrorCode::kMalformed, "malformed value type", at);
    }
  }

  Limits limits(Reader& r) {
    size_t at = r.pos();
    uint8_t flags = r.u8();
    if (flags == 2 || flags == 3) fail(ErrorCode::kUnsupported, "shared memory (threads) is not supported", at);
    if (flags > 1) fail(ErrorCode::kMalformed, "integer too large", at);
    Limits l;
    l.min = r.u32();
    if (flags & 1) l.max = r.u32();
    return l;
  }

  ConstExpr const_expr(Reader& r) {
    ConstExpr e;
    size_t at = r.pos();
    uint8_t op = r.u8();
    switch (op) {
      case 0x41: e.kind = ConstExpr::Kind::kI32; e.value = static_cast<uint32_t>(r.s32()); break;
      case 0x42: e.kind = ConstExpr::Kind::kI64; e.value = static_cast<uint64_t>(r.s64()); break;
      case 0x23: e.kind = ConstExpr::Kind::kGlobalGet; e.value = r.u32(); break;
      case 0x43:
      case 0x44: fail(ErrorCode::kUnsupported, "floating point constant is not supported", at);
      case 0xD0:
      case 0xD2: fail(ErrorCode::kUnsupported, "reference types are not supported", at);
      case 0x0B: fail(ErrorCode::kInvalid, "type mismatch: empty constant expression", at);
      default: fail(ErrorCode::kInvalid, "constant expression required", at);
    }
    size_t end_at = r.pos();
    if (r.u8() != 0x0B) fail(ErrorCode::kInvalid, "constant expression required", end_at);
    return e;
  }

  void types(Reader& r) {
    uint32_t n = r.count(limits_.max_types, "types");
    m_.types.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = r.pos();
      uint8_t form = r.u8();
      if (form != 0x60) fail(ErrorCode::kMalformed, "integer representation too long (expected func type 0x60)", at);
      FuncType t;
      uint32_t np = r.count(limits_.max_type_params, "parameters");
      for (uint32_t j = 0; j < np; ++j) t.params.push_back(value_type(r));
      size_t results_at = r.pos();
      uint32_t nr = r.count(limits_.max_type_results, "results");
      for (uint32_t j = 0; j < nr; ++j) t.results.push_back(value_type(r));
      if (nr > 1 && !features_.multi_value) {
        fail(ErrorCode::kUnsupported, "multiple results (multi-value) are not enabled", results_at);
      }
      m_.types.push_back(std::move(t));
    }
  }

  void imports(Reader& r) {
    uint32_t n = r.count(limits_.max_imports, "imports");
    for (uint32_t i = 0; i < n; ++i) {
      Import im;
      im.at = static_cast<uint32_t>(r.pos());
      im.module = r.name();
      im.name = r.name();
      size_t at = r.pos();
      uint8_t kind = r.u8();
      switch (kind) {
        case 0:
          im.kind = ExternKind::kFunction;
          im.type_index = r.u32();
          m_.function_types.push_back(im.type_index);
          ++m_.num_imported_functions;
          break;
        case 1:
          im.kind = ExternKind::kTable;
          table_type(r, &im.limits);
          m_.tables.push_back(im.limits);
          ++m_.num_imported_tables;
          break;
        case 2:
          im.kind = ExternKind::kMemory;
          im.limits = limits(r);
          m_.memories.push_back(im.limits);
          ++m_.num_imported_memories;
          break;
        case 3:
          im.kind = ExternKind::kGlobal;
          im.global = global_type(r);
          m_.global_types.push_back(im.global);
          ++m_.num_imported_globals;
          break;
        default: fail(ErrorCode::kMalformed, "malformed import kind", at);
      }
      m_.imports.push_back(std::move(im));
    }
  }

  GlobalType global_type(Reader& r) {
    GlobalType g;
    g.type = value_type(r);
    size_t at = r.pos();
    uint8_t mut = r.u8();
    if (mut > 1) fail(ErrorCode::kMalformed, "malformed mutability", at);
    g.mutable_ = mut == 1;
    return g;
  }

  void table_type(Reader& r, Limits* l) {
    size_t at = r.pos();
    uint8_t elem = r.u8();
    if (elem == 0x6F) fail(ErrorCode::kUnsupported, "externref tables (reference types) are not supported", at);
    if (elem != 0x70) fail(ErrorCode::kMalformed, "malformed reference type", at);
    *l = limits(r);
  }

  uint32_t functions(Reader& r) {
    uint32_t n = r.count(limits_.max_functions, "functions");
    for (uint32_t i = 0; i < n; ++i) m_.function_types.push_back(r.u32());
    return n;
  }

  void tables(Reader& r) {
    uint32_t n = r.count(16, "tables");
    for (uint32_t i = 0; i < n; ++i) {
      Limits l;
      table_type(r, &l);
      m_.tables.push_back(l);
    }
  }

  void memories(Reader& r) {
    uint32_t n = r.count(16, "memories");
    for (uint32_t i = 0; i < n; ++i) m_.memories.push_back(limits(r));
  }

  void globals(Reader& r) {
    uint32_t n = r.count(limits_.max_globals, "globals");
    for (uint32_t i = 0; i < n; ++i) {
      GlobalDef g;
      g.at = static_cast<uint32_t>(r.pos());
      g.type = global_type(r);
      g.init = const_expr(r);
      m_.global_types.push_back(g.type);
      m_.globals.push_back(g);
    }
  }

  void exports(Reader& r) {
    uint32_t n = r.count(limits_.max_exports, "exports");
    for (uint32_t i = 0; i < n; ++i) {
      Export e;
      e.at = static_cast<uint32_t>(r.pos());
      e.name = r.name();
      size_t at = r.pos();
      uint8_t kind = r.u8();
      if (kind > 3) fail(ErrorCode::kMalformed, "malformed export kind", at);
      e.kind = static_cast<ExternKind>(kind);
      e.index = r.u32();
      m_.exports.push_back(std::move(e));
    }
  }

  void elements(Reader& r) {
    uint32_t n = r.count(limits_.max_element_segments, "element segments");
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = r.pos();
      uint32_t flags = r.u32();
      if (flags != 0) {
        if (flags <= 7) fail(ErrorCode::kUnsupported, "element segment form (bulk memory / reference types) is not supported", at);
        fail(ErrorCode::kMalformed, "malformed elements segment kind", at);
      }
      ElementSegment seg;
      seg.at = static_cast<uint32_t>(at);
      seg.offset = const_expr(r);
      size_t count_at = r.pos();
      uint32_t count = r.count(limits_.max_element_entries, "element entries");
      element_entries_ += count;
      if (element_entries_ > limits_.max_element_entries) {
        fail(ErrorCode::kLimitExceeded, "too many element entries", count_at);
      }
      seg.functions.reserve(count);
      for (uint32_t j = 0; j < count; ++j) seg.functions.push_back(r.u32());
      m_.elements.push_back(std::move(seg));
    }
  }

  void code(Reader& r) {
    uint32_t n = r.count(limits_.max_functions, "function bodies");
    m_.bodies.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      size_t size_at = r.pos();
      uint32_t size = r.u32();
      if (size > r.remaining()) fail(ErrorCode::kMalformed, "length out of bounds", size_at);
      if (size > limits_.max_function_size) fail(ErrorCode::kLimitExceeded, "function body too large", size_at);
      Reader b(r.data(), r.pos(), r.pos() + size);
      r.skip_to(r.pos() + size);
      FunctionBody body;
      uint32_t groups = b.count(limits_.max_locals, "local declarations");
      uint64_t total = 0;
      for (uint32_t g = 0; g < groups; ++g) {
        size_t at = b.pos();
        uint32_t count = b.u32();
        total += count;
        if (total > limits_.max_locals) {
          // The spec calls more than 2^32 - 1 locals malformed; below that it is our own limit.
          fail(total > 0xFFFFFFFFull ? ErrorCode::kMalformed : ErrorCode::kLimitExceeded, "too many locals", at);
        }
        ValueType t = value_type(b);
        if (count > 0) body.local_runs.emplace_back(count, t);
      }
      body.num_locals = static_cast<uint32_t>(total);
      body.code_begin = static_cast<uint32_t>(b.pos());
      body.code_end = static_cast<uint32_t>(b.end());
      if (body.code_begin >= body.code_end) fail(ErrorCode::kMalformed, "unexpected end", b.pos());
      m_.bodies.push_back(std::move(body));
    }
  }

  void data(Reader& r) {
    uint32_t n = r.count(limits_.max_data_segments, "data segments");
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = r.pos();
      uint32_t flags = r.u32();
      if (flags != 0) {
        if (flags <= 2) fail(ErrorCode::kUnsupported, "data segment form (bulk memory) is not supported", at);
        fail(ErrorCode::kMalformed, "malformed data segment kind", at);
      }
      DataSegment seg;
      seg.at = static_cast<uint32_t>(at);
      seg.offset = const_expr(r);
      size_t len_at = r.pos();
      uint32_t len = r.u32();
      if (len > r.remaining()) fail(ErrorCode::kMalformed, "unexpected end of section or function", len_at);
      seg.begin = static_cast<uint32_t>(r.pos());
      seg.size = len;
      r.skip_to(r.pos() + len);
      m_.data.push_back(seg);
    }
  }

  const Features& features_;
  const DecodeLimits& limits_;
  Module& m_;
  uint64_t element_entries_ = 0;
};

}  // namespace
}  // namespace internal

Status decode_module(std::span<const uint8_t> bytes, const Features& features, const DecodeLimits& limits,
                     Module* module) {
  *module = Module();
  if (bytes.size() > limits.max_module_size) {
    return Status(ErrorCode::kLimitExceeded, fmt::format("module of {} bytes exceeds the limit of {}", bytes.size(),
                                                         limits.max_module_size), 0);
  }
  module->bytes.assign(bytes.begin(), bytes.end());
  try {
    internal::Decoder(features, limits, module).decode();
  } catch (const internal::DecodeFailure& f) {
    return f.status;
  }
  return Status::Ok();
}

}  // namespace bciin::wasm
