#include "messages.h"

#include <cstring>

namespace bciin::p2p {

Status DecodeMessage(chain::ByteView payload, Message* out) {
  return chain::DecodeCanonical(payload, out, "p2p message");
}

Status FrameLength(const uint8_t header[4], size_t limit, uint32_t* length) {
  uint32_t n;
  std::memcpy(&n, header, 4);  // little-endian host (checked in codec.h)
  if (n == 0) return Status::InvalidArgument("empty frame");
  if (n > limit) return Status::InvalidArgument("frame of " + std::to_string(n) + " bytes over the limit of " + std::to_string(limit));
  *length = n;
  return Status();
}

const char* MsgTypeName(uint16_t type) {
  switch (static_cast<MsgType>(type)) {
    case MsgType::kHello: return "hello";
    case MsgType::kPing: return "ping";
    case MsgType::kPong: return "pong";
    case MsgType::kGetPeers: return "get-peers";
    case MsgType::kPeers: return "peers";
    case MsgType::kGetHeaders: return "get-headers";
    case MsgType::kHeaders: return "headers";
    case MsgType::kGetBlocks: return "get-blocks";
    case MsgType::kBlocks: return "blocks";
    case MsgType::kNewBlock: return "new-block";
    case MsgType::kNewTxs: return "new-txs";
  }
  return "unknown";
}

}  // namespace bciin::p2p
