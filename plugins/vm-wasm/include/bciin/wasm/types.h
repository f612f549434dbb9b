// Value types, function signatures and limits shared by the decoder, validator and runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bciin::wasm {

// Encoded as in the binary format. Only i32 and i64 are executable; the float and reference codes
// exist so that the decoder can name them when it refuses them.
enum class ValueType : uint8_t {
  kI32 = 0x7F,
  kI64 = 0x7E,
  kF32 = 0x7D,
  kF64 = 0x7C,
  kV128 = 0x7B,
  kFuncRef = 0x70,
  kExternRef = 0x6F,
};

const char* value_type_name(ValueType type);

struct FuncType {
  std::vector<ValueType> params;
  std::vector<ValueType> results;

  bool operator==(const FuncType& other) const = default;
  std::string ToString() const;  // "(i32 i64) -> (i32)"
};

struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
};

// A runtime value: the type and its bits (i32 values are zero-extended to 64 bits).
struct Value {
  ValueType type = ValueType::kI32;
  uint64_t bits = 0;

  static Value I32(uint32_t v) { return Value{ValueType::kI32, v}; }
  static Value I64(uint64_t v) { return Value{ValueType::kI64, v}; }
  uint32_t i32() const { return static_cast<uint32_t>(bits); }
  uint64_t i64() const { return bits; }
  bool operator==(const Value& other) const = default;
};

constexpr uint32_t kPageSize = 65536;
constexpr uint32_t kMaxPages = 65536;  // 4 GiB, the spec's bound for 32-bit memories

}  // namespace bciin::wasm
