#include <fmt/format.h>

#include "bciin/wasm/module.h"
#include "bciin/wasm/status.h"
#include "bciin/wasm/types.h"

namespace bciin::wasm {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kLimitExceeded: return "limit exceeded";
    case ErrorCode::kUnlinkable: return "unlinkable";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kTrapUnreachable: return "unreachable";
    case ErrorCode::kTrapMemoryOutOfBounds: return "out of bounds memory access";
    case ErrorCode::kTrapTableOutOfBounds: return "out of bounds table access";
    case ErrorCode::kTrapDivideByZero: return "integer divide by zero";
    case ErrorCode::kTrapIntegerOverflow: return "integer overflow";
    case ErrorCode::kTrapUndefinedElement: return "undefined element";
    case ErrorCode::kTrapUninitializedElement: return "uninitialized element";
    case ErrorCode::kTrapIndirectCallTypeMismatch: return "indirect call type mismatch";
    case ErrorCode::kTrapCallStackExhausted: return "call stack exhausted";
    case ErrorCode::kTrapOperandStackExhausted: return "operand stack exhausted";
    case ErrorCode::kTrapOutOfGas: return "out of gas";
    case ErrorCode::kTrapHost: return "host trap";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  if (offset_ == kNoOffset) return fmt::format("{}: {}", error_code_name(code_), message_);
  return fmt::format("{} at offset 0x{:x}: {}", error_code_name(code_), offset_, message_);
}

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kI32: return "i32";
    case ValueType::kI64: return "i64";
    case ValueType::kF32: return "f32";
    case ValueType::kF64: return "f64";
    case ValueType::kV128: return "v128";
    case ValueType::kFuncRef: return "funcref";
    case ValueType::kExternRef: return "externref";
  }
  return "?";
}

std::string FuncType::ToString() const {
  std::string s = "(";
  for (size_t i = 0; i < params.size(); ++i) s += fmt::format("{}{}", i ? " " : "", value_type_name(params[i]));
  s += ") -> (";
  for (size_t i = 0; i < results.size(); ++i) s += fmt::format("{}{}", i ? " " : "", value_type_name(results[i]));
  return s + ")";
}

const char* extern_kind_name(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunction: return "function";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
  }
  return "?";
}

}  // namespace bciin::wasm
