#include "fake_peer.h"

#include <sodium.h>

#include <cstring>
#include <poll.h>

namespace bciin::testing {

namespace asio = boost::asio;

FakePeer::FakePeer(uint16_t port) {
  boost::system::error_code ec;
  socket_.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) socket_.close(ec);
}

bool FakePeer::SendPayload(const chain::Bytes& payload) {
  if (!socket_.is_open()) return false;
  chain::Bytes frame(4 + payload.size());
  uint32_t n = static_cast<uint32_t>(payload.size());
  std::memcpy(frame.data(), &n, 4);
  std::memcpy(frame.data() + 4, payload.data(), payload.size());
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(frame), ec);
  return !ec;
}

bool FakePeer::ReadExactly(uint8_t* data, size_t size, std::chrono::steady_clock::time_point deadline) {
  size_t got = 0;
  while (got < size) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{socket_.native_handle(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
    boost::system::error_code ec;
    size_t n = socket_.read_some(asio::buffer(data + got, size - got), ec);
    if (ec) {
      socket_.close(ec);
      return false;
    }
    got += n;
  }
  return true;
}

bool FakePeer::Read(p2p::Message* out, std::chrono::milliseconds timeout) {
  if (!socket_.is_open()) return false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  uint8_t header[4];
  if (!ReadExactly(header, 4, deadline)) return false;
  uint32_t n = 0;
  if (!p2p::FrameLength(header, p2p::kMaxFrameLimit, &n).ok()) return false;
  chain::Bytes body(n);
  if (!ReadExactly(body.data(), n, deadline)) return false;
  return p2p::DecodeMessage(body, out).ok();
}

bool FakePeer::ReadUntil(p2p::MsgType type, p2p::Message* out, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !Read(out, left)) return false;
    if (out->type == static_cast<uint16_t>(type)) return true;
  }
}

bool FakePeer::WaitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  p2p::Message m;
  while (socket_.is_open() && std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    Read(&m, left);
  }
  return !socket_.is_open();
}

bool FakePeer::Handshake(const p2p::Hello& ours, p2p::Hello* theirs) {
  if (!Send(p2p::MsgType::kHello, ours)) return false;
  p2p::Message m;
  if (!ReadUntil(p2p::MsgType::kHello, &m, std::chrono::seconds(10))) return false;
  return chain::DecodeCanonical(m.body, theirs, "hello").ok();
}

p2p::Hello FakePeer::MakeHello(const std::string& network_id, const chain::Hash& genesis, uint64_t height,
                               chain::Amount weight) {
  p2p::Hello h;
  h.network_id = network_id;
  h.genesis = genesis;
  h.height = height;
  h.weight = weight;
  h.listen_port = 0;
  randombytes_buf(h.node_nonce.data(), h.node_nonce.size());
  return h;
}

bool FetchChain(uint16_t port, const std::string& network_id, const chain::Hash& genesis, uint64_t height,
                std::vector<chain::Block>* out, std::string* error) {
  using namespace std::chrono_literals;
  FakePeer peer(port);
  p2p::Hello theirs;
  if (!peer.Handshake(FakePeer::MakeHello(network_id, genesis, 0, chain::Amount()), &theirs)) {
    *error = "no handshake with port " + std::to_string(port);
    return false;
  }
  std::vector<chain::Header> headers;
  chain::Hash last = genesis;
  while (headers.size() < height) {
    p2p::GetHeaders req;
    req.locator.push_back({last});
    p2p::Message m;
    p2p::Headers in;
    if (!peer.Send(p2p::MsgType::kGetHeaders, req) || !peer.ReadUntil(p2p::MsgType::kHeaders, &m, 30s) ||
        !chain::DecodeCanonical(m.body, &in, "headers").ok() || in.headers.empty()) {
      *error = "no headers after #" + std::to_string(headers.size());
      return false;
    }
    for (auto& h : in.headers) headers.push_back(std::move(h));
    last = headers.back().BlockHash();
  }
  headers.resize(height);
  out->clear();
  for (size_t i = 0; i < headers.size(); i += p2p::kMaxBlocksPerMessage) {
    p2p::GetBlocks req;
    for (size_t j = i; j < std::min(headers.size(), i + p2p::kMaxBlocksPerMessage); ++j)
      req.hashes.push_back({headers[j].BlockHash()});
    p2p::Message m;
    p2p::Blocks in;
    if (!peer.Send(p2p::MsgType::kGetBlocks, req) || !peer.ReadUntil(p2p::MsgType::kBlocks, &m, 30s) ||
        !chain::DecodeCanonical(m.body, &in, "blocks").ok() || in.blocks.size() != req.hashes.size()) {
      *error = "the blocks after #" + std::to_string(i) + " did not come";
      return false;
    }
    for (auto& b : in.blocks) out->push_back(std::move(b));
  }
  return true;
}

}  // namespace bciin::testing
