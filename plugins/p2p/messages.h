// The p2p wire format (docs/p2p.md). A frame is
//
//   u32 length (little-endian, of what follows) || encode(Message)
//
// where Message is {version u8 = 1, type u16, body bytes} in the SDK's canonical encoding and
// `body` is the canonical encoding of the type's object below. Every decoder is canonical:
// trailing bytes, oversized lists and non-minimal forms are rejected, and a length above the
// configured limit is refused before anything is allocated.
#pragma once

#include <bciin/chain/objects.h>

#include <string>
#include <vector>

namespace bciin::p2p {

inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr size_t kMaxLocator = 64;
inline constexpr size_t kMaxHeadersPerMessage = 512;
inline constexpr size_t kMaxBlocksPerMessage = 64;
inline constexpr size_t kMaxTxsPerMessage = 256;
inline constexpr size_t kMaxPeerAddresses = 64;
inline constexpr size_t kMaxFrameLimit = 64u << 20;  // the hard ceiling on any configured limit

enum class MsgType : uint16_t {
  kHello = 1,
  kPing = 2,
  kPong = 3,
  kGetPeers = 4,
  kPeers = 5,
  kGetHeaders = 6,
  kHeaders = 7,
  kGetBlocks = 8,
  kBlocks = 9,
  kNewBlock = 10,
  kNewTxs = 11,
};

struct Message {
  uint16_t type = 0;
  chain::Bytes body;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.U16(type);
    io.Blob(body, kMaxFrameLimit);
  }
};

struct Hello {
  uint32_t protocol = kProtocolVersion;
  std::string network_id;
  chain::Hash genesis{};
  uint64_t height = 0;
  chain::Hash head{};
  chain::Amount weight;
  uint16_t listen_port = 0;  // 0: does not accept connections
  chain::Hash node_nonce{};  // random per process, to detect a connection to itself
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.U32(protocol);
    io.Str(network_id, 64);
    io.Fixed(genesis);
    io.U64(height);
    io.Fixed(head);
    io.Amt(weight);
    io.U16(listen_port);
    io.Fixed(node_nonce);
  }
};

struct Ping {
  uint64_t nonce = 0;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.U64(nonce);
  }
};

struct Empty {
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
  }
};

struct PeerAddress {
  std::string address;  // "host:port"
  template <class Io>
  void Serialize(Io& io) {
    io.Str(address, 128);
  }
};

struct Peers {
  std::vector<PeerAddress> peers;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.List(peers, kMaxPeerAddresses);
  }
};

struct HashItem {
  chain::Hash hash{};
  template <class Io>
  void Serialize(Io& io) {
    io.Fixed(hash);
  }
};

// Headers after the first locator hash on the sender's main chain (genesis when none matches).
struct GetHeaders {
  std::vector<HashItem> locator;  // newest first
  uint32_t max = kMaxHeadersPerMessage;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.List(locator, kMaxLocator);
    io.U32(max);
  }
};

struct Headers {
  std::vector<chain::Header> headers;  // ascending heights, each the parent of the next
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.List(headers, kMaxHeadersPerMessage);
  }
};

struct GetBlocks {
  std::vector<HashItem> hashes;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.List(hashes, kMaxBlocksPerMessage);
  }
};

struct Blocks {
  std::vector<chain::Block> blocks;  // those of the request the sender has, in its order
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.List(blocks, kMaxBlocksPerMessage);
  }
};

struct NewBlock {
  chain::Block block;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Object(block);
  }
};

struct NewTxs {
  std::vector<chain::SignedTx> txs;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.List(txs, kMaxTxsPerMessage);
  }
};

// One frame's payload (without the length prefix) for a typed body.
template <class T>
chain::Bytes EncodeMessage(MsgType type, const T& body) {
  Message m;
  m.type = static_cast<uint16_t>(type);
  m.body = chain::Encode(body);
  return chain::Encode(m);
}

// Decodes a frame payload into its type and body (canonically).
Status DecodeMessage(chain::ByteView payload, Message* out);
// The u32 length prefix of a frame; InvalidArgument above `limit`.
Status FrameLength(const uint8_t header[4], size_t limit, uint32_t* length);
const char* MsgTypeName(uint16_t type);

}  // namespace bciin::p2p
