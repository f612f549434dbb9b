// Fuzz target: GRBL reply and status-report parsing must never crash, whatever the line.
#include "grbl_reply.h"
#include "grbl_status.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  bciin::grbl::Reply reply = bciin::grbl::ParseReply(line);
  if (reply.kind == bciin::grbl::Reply::Kind::kStatus) {
    bciin::grbl::PositionTracker tracker;
    tracker.Update(&reply.status);
  }
  (void)bciin::grbl::ParseStatusReport(line);
  return 0;
}
