// bciin::Status: the result of an operation that can fail, google/leveldb style.
//
// The one error type for C++ code in BCIIN, in plugins and in the host alike. Its codes are the
// ABI's bciin_status_code, so a Status crosses the C boundary as a bciin_error without mapping.
// A Status is cheap when ok (no allocation) and carries a message naming what failed otherwise.
#pragma once

#include <bciin/abi.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace bciin {
inline namespace v1 {

class Status {
 public:
  Status() = default;  // ok
  Status(bciin_status_code code, std::string message)
      : state_(code == BCIIN_OK ? nullptr
                                : std::make_shared<const State>(State{code, std::move(message)})) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {BCIIN_ERR_INVALID_ARGUMENT, std::move(m)}; }
  static Status NotFound(std::string m) { return {BCIIN_ERR_NOT_FOUND, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {BCIIN_ERR_ALREADY_EXISTS, std::move(m)}; }
  static Status Unsupported(std::string m) { return {BCIIN_ERR_UNSUPPORTED, std::move(m)}; }
  static Status IoError(std::string m) { return {BCIIN_ERR_IO, std::move(m)}; }
  static Status Corruption(std::string m) { return {BCIIN_ERR_CORRUPTION, std::move(m)}; }
  static Status Busy(std::string m) { return {BCIIN_ERR_BUSY, std::move(m)}; }
  static Status Timeout(std::string m) { return {BCIIN_ERR_TIMEOUT, std::move(m)}; }
  static Status Cancelled(std::string m) { return {BCIIN_ERR_CANCELLED, std::move(m)}; }
  static Status Rejected(std::string m) { return {BCIIN_ERR_REJECTED, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {BCIIN_ERR_RESOURCE, std::move(m)}; }
  static Status Internal(std::string m) { return {BCIIN_ERR_INTERNAL, std::move(m)}; }

  bool ok() const { return state_ == nullptr; }
  explicit operator bool() const { return ok(); }
  bciin_status_code code() const { return state_ ? state_->code : BCIIN_OK; }
  const std::string& message() const {
    static const std::string empty;
    return state_ ? state_->message : empty;
  }
  bool is(bciin_status_code c) const { return code() == c; }

  // "not found: option 'path' of [storage-leveldb]"
  std::string ToString() const {
    return ok() ? std::string("ok") : std::string(CodeName(code())) + ": " + message();
  }

  // Returns a copy whose message is prefixed with `context` ("reading genesis.json: ...").
  Status WithContext(std::string_view context) const {
    if (ok()) return *this;
    return Status(code(), std::string(context) + ": " + message());
  }

  // Fills a C error struct (truncating the message to fit); returns the code.
  int32_t ToError(bciin_error* error) const {
    if (error) {
      error->code = code();
      std::string m = message();
      size_t n = m.size() < sizeof(error->message) - 1 ? m.size() : sizeof(error->message) - 1;
      std::memcpy(error->message, m.data(), n);
      error->message[n] = '\0';
    }
    return code();
  }

  static Status FromError(const bciin_error& error) {
    size_t n = strnlen(error.message, sizeof(error.message));
    return Status(static_cast<bciin_status_code>(error.code), std::string(error.message, n));
  }

  static const char* CodeName(bciin_status_code code) {
    switch (code) {
      case BCIIN_OK: return "ok";
      case BCIIN_ERR_INVALID_ARGUMENT: return "invalid argument";
      case BCIIN_ERR_NOT_FOUND: return "not found";
      case BCIIN_ERR_ALREADY_EXISTS: return "already exists";
      case BCIIN_ERR_UNSUPPORTED: return "unsupported";
      case BCIIN_ERR_IO: return "I/O error";
      case BCIIN_ERR_CORRUPTION: return "corruption";
      case BCIIN_ERR_BUSY: return "busy";
      case BCIIN_ERR_TIMEOUT: return "timeout";
      case BCIIN_ERR_CANCELLED: return "cancelled";
      case BCIIN_ERR_REJECTED: return "rejected";
      case BCIIN_ERR_RESOURCE: return "resource exhausted";
      case BCIIN_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
  }

 private:
  struct State {
    bciin_status_code code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

// Returns early from the enclosing function with the status if it is not ok.
#define BCIIN_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::bciin::Status bciin_status_ = (expr);    \
    if (!bciin_status_.ok()) return bciin_status_; \
  } while (0)

}  // namespace v1
}  // namespace bciin
