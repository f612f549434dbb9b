// Status: the outcome of an operation that can fail for a reason worth telling a person.
// Modelled on leveldb::Status: cheap to copy when OK, carries a code and a message otherwise.
#pragma once

#include <string>
#include <string_view>

namespace bciin::cuckoo {

class Status {
 public:
  enum class Code { kOk = 0, kInvalidArgument, kResourceExhausted, kCancelled, kInternal };

  Status() = default;
  static Status ok() { return Status(); }
  static Status invalid_argument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status resource_exhausted(std::string msg) { return Status(Code::kResourceExhausted, std::move(msg)); }
  static Status cancelled(std::string msg = "cancelled") { return Status(Code::kCancelled, std::move(msg)); }
  static Status internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool is_ok() const { return code_ == Code::kOk; }
  bool is_cancelled() const { return code_ == Code::kCancelled; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK" or "<code name>: <message>".
  std::string to_string() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace bciin::cuckoo
