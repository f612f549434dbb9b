#include "bciin/cuckoo/status.h"

namespace bciin::cuckoo {

std::string Status::to_string() const {
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "invalid argument: " + message_;
    case Code::kResourceExhausted: return "resource exhausted: " + message_;
    case Code::kCancelled: return "cancelled: " + message_;
    case Code::kInternal: return "internal error: " + message_;
  }
  return "unknown status: " + message_;
}

}  // namespace bciin::cuckoo
