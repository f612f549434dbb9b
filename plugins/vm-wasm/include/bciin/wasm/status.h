// Status: the result of every engine operation that can fail: a code, a message and, for errors
// found in a module's bytes, the byte offset. Traps and out-of-gas are codes too, so a caller can
// tell a malformed module, an unsupported feature and a deterministic runtime failure apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace bciin::wasm {

enum class ErrorCode : uint16_t {
  kOk = 0,
  // Refused before execution.
  kMalformed,        // the bytes are not a well-formed binary module
  kInvalid,          // well-formed but fails validation (types, indices, ...)
  kUnsupported,      // uses a feature outside the deterministic subset (floats, SIMD, threads, ...)
  kLimitExceeded,    // exceeds a configured decode or instantiation limit
  kUnlinkable,       // an import is missing or has the wrong type
  kNotFound,         // no export of that name or kind
  kInvalidArgument,  // wrong argument count or types passed by the embedder
  // Deterministic runtime failures (traps). Every machine reports the same code at the same point.
  kTrapUnreachable,
  kTrapMemoryOutOfBounds,
  kTrapTableOutOfBounds,
  kTrapDivideByZero,
  kTrapIntegerOverflow,
  kTrapUndefinedElement,
  kTrapUninitializedElement,
  kTrapIndirectCallTypeMismatch,
  kTrapCallStackExhausted,
  kTrapOperandStackExhausted,
  kTrapOutOfGas,
  kTrapHost,  // a host function trapped (its message says why)
};

// A short, stable name for a code ("malformed", "out of gas", ...). For traps it is the message the
// WebAssembly spec tests expect.
std::string_view error_code_name(ErrorCode code);

inline bool is_trap(ErrorCode code) { return code >= ErrorCode::kTrapUnreachable; }

class [[nodiscard]] Status {
 public:
  static constexpr uint64_t kNoOffset = ~uint64_t{0};

  Status() = default;
  Status(ErrorCode code, std::string message, uint64_t offset = kNoOffset)
      : code_(code), message_(std::move(message)), offset_(offset) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Byte offset into the module where the problem was found, or kNoOffset.
  uint64_t offset() const { return offset_; }
  bool is_trap() const { return wasm::is_trap(code_); }

  // "invalid at offset 0x1f: type mismatch: expected i32, got i64".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  uint64_t offset_ = kNoOffset;
};

// A value or an error. Accessing value() of an error is a programming error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T& operator*() { return value_; }
  T* operator->() { return &value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace bciin::wasm
