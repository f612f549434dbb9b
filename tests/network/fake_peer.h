// A scripted p2p peer for tests and bench/network: a blocking TCP client that speaks the wire
// format of plugins/p2p (messages.h) so that a test can play an honest, silent or hostile peer.
#pragma once

#include "messages.h"

#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bciin::testing {

class FakePeer {
 public:
  // Connects to 127.0.0.1:`port`; connected() tells whether it worked.
  explicit FakePeer(uint16_t port);
  bool connected() const { return socket_.is_open(); }

  // Sends one frame (length prefix added); false once the node closed the connection.
  bool SendPayload(const chain::Bytes& payload);
  template <class T>
  bool Send(p2p::MsgType type, const T& body) {
    return SendPayload(p2p::EncodeMessage(type, body));
  }
  // The next frame within `timeout`; false on timeout, close or a malformed frame.
  bool Read(p2p::Message* out, std::chrono::milliseconds timeout);
  // Reads (and drops other messages) until one of `type` arrives.
  bool ReadUntil(p2p::MsgType type, p2p::Message* out, std::chrono::milliseconds timeout);
  // True when the node has closed the connection within `timeout` (everything read is dropped).
  bool WaitClosed(std::chrono::milliseconds timeout);

  // Sends `ours` and reads the node's hello into `theirs`.
  bool Handshake(const p2p::Hello& ours, p2p::Hello* theirs);
  // A hello for the node's network and genesis claiming `height` and `weight` (a random nonce,
  // no listening port).
  static p2p::Hello MakeHello(const std::string& network_id, const chain::Hash& genesis, uint64_t height,
                              chain::Amount weight);

 private:
  bool ReadExactly(uint8_t* data, size_t size, std::chrono::steady_clock::time_point deadline);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
};

// The main-chain blocks 1..`height` of the node whose p2p port is `port`, fetched over p2p as a
// peer at genesis would (get-headers, then get-blocks); false with `error` set on failure.
bool FetchChain(uint16_t port, const std::string& network_id, const chain::Hash& genesis, uint64_t height,
                std::vector<chain::Block>* out, std::string* error);

}  // namespace bciin::testing
