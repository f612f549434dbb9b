#include "p2p_node.h"

#include "header_check.h"

#include <bciin/chain/address.h>

#include <boost/asio.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <set>
#include <thread>
#include <unordered_set>

namespace bciin::p2p {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using chain::Hash;

namespace {

uint64_t NowMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

struct HashLess {
  bool operator()(const Hash& a, const Hash& b) const { return a < b; }
};

// Splits "host:port"; false when malformed.
bool SplitAddress(const std::string& text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = text.substr(0, colon);
  unsigned long p = 0;
  try {
    size_t used = 0;
    p = std::stoul(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) return false;
  } catch (...) {
    return false;
  }
  if (p == 0 || p > 65535) return false;
  *port = static_cast<uint16_t>(p);
  boost::system::error_code ec;
  asio::ip::make_address(*host, ec);
  return !ec;
}

enum class PeerState { kHandshake, kActive, kClosed };

struct Peer {
  explicit Peer(tcp::socket s) : socket(std::move(s)) {}
  uint64_t id = 0;
  tcp::socket socket;
  bool outbound = false;
  std::string dial_address;  // outbound: what we dialed
  std::string remote;        // ip:port of the socket
  std::string ip;
  PeerState state = PeerState::kHandshake;
  Hello hello;
  uint64_t connected_ms = 0;
  int score = 0;
  double tokens = 0, tx_tokens = 0;
  uint64_t refill_ms = 0;
  uint8_t header[4];
  chain::Bytes body;
  std::deque<std::shared_ptr<chain::Bytes>> out;
  size_t out_bytes = 0;
  uint64_t best_height = 0;
  chain::Amount best_weight;
  uint64_t headers_requested_ms = 0;  // non-zero: a GetHeaders is outstanding
  struct BlockRequest {
    uint64_t sent_ms = 0;
    std::vector<Hash> hashes;
  };
  std::deque<BlockRequest> block_requests;  // outstanding get-blocks, answered in order
  bool stalled = false;  // its oldest request is late: no new ones, its blocks asked of others
  uint64_t ping_sent_ms = 0;
  uint64_t ping_nonce = 0;
  uint64_t last_ping_ms = 0;
  std::set<Hash, HashLess> known;  // blocks and txs this peer has (bounded)

  void Know(const Hash& h) {
    if (known.size() > 4096) known.clear();
    known.insert(h);
  }
  // The key a ban is kept under: the IP, or on loopback (tests, devnets) the listening address.
  std::string BanKey() const {
    if (ip != "127.0.0.1" && ip != "::1") return ip;
    if (outbound) return dial_address;
    if (state != PeerState::kHandshake && hello.listen_port) return ip + ":" + std::to_string(hello.listen_port);
    return remote;
  }
};

struct KnownAddress {
  bool configured = false;
  uint64_t next_dial_ms = 0;
  uint64_t backoff_ms = 0;
  bool connected = false;
  bool self = false;
};

}  // namespace

struct P2pNode::Impl : std::enable_shared_from_this<P2pNode::Impl> {
  Impl(sdk::ChainClient c, P2pOptions o)
      : chain(c),
        options(std::move(o)),
        acceptor(io),
        timer(io),
        header_check(chain, options.consensus, [this](const Hash& h) -> const chain::Header* {
          auto it = queued.find(h);
          return it == queued.end() ? nullptr : &it->second;
        }) {}

  sdk::ChainClient chain;
  P2pOptions options;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  asio::steady_timer timer;
  std::thread thread;
  uint16_t port = 0;
  std::string network_id;
  Hash genesis{};
  Hash nonce{};
  uint64_t next_id = 1;
  std::map<uint64_t, std::shared_ptr<Peer>> peers;
  std::map<std::string, KnownAddress> known;
  std::map<std::string, uint64_t> bans;  // key -> until (ms, steady clock)

  // Header-first sync: headers whose blocks we still need, in chain order.
  std::deque<chain::Header> queue;
  std::map<Hash, chain::Header, HashLess> queued;  // the headers of `queue` by hash
  std::map<Hash, uint64_t, HashLess> in_flight;  // hash -> peer id
  std::map<Hash, chain::Block, HashLess> arrived;
  uint64_t sync_peer = 0;
  HeaderCheck header_check;

  mutable std::mutex snapshot_mu;
  std::string snapshot = "[]";

  void Log(int level, const std::string& m) const {
    if (options.log) options.log(level, m);
  }

  // ---- connections ----

  void Accept() {
    acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (!ec) self->OnSocket(std::move(s), false, "");
      self->Accept();
    });
  }

  void Dial(const std::string& address) {
    std::string host;
    uint16_t p = 0;
    if (!SplitAddress(address, &host, &p)) return;
    if (Banned(address)) return;
    auto& k = known[address];
    k.connected = true;  // until the attempt fails
    auto socket = std::make_shared<tcp::socket>(io);
    tcp::endpoint ep(asio::ip::make_address(host), p);
    socket->async_connect(ep, [self = shared_from_this(), socket, address](boost::system::error_code ec) {
      if (ec) {
        self->DialFailed(address);
        return;
      }
      self->OnSocket(std::move(*socket), true, address);
    });
  }

  void DialFailed(const std::string& address) {
    auto it = known.find(address);
    if (it == known.end()) return;
    auto& k = it->second;
    k.connected = false;
    k.backoff_ms = k.backoff_ms ? std::min(k.backoff_ms * 2, options.backoff_max_ms) : options.backoff_min_ms;
    k.next_dial_ms = NowMs() + k.backoff_ms;
  }

  void OnSocket(tcp::socket s, bool outbound, const std::string& address) {
    boost::system::error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec) return;
    auto p = std::make_shared<Peer>(std::move(s));
    p->id = next_id++;
    p->outbound = outbound;
    p->dial_address = address;
    p->ip = ep.address().to_string();
    p->remote = p->ip + ":" + std::to_string(ep.port());
    p->connected_ms = p->refill_ms = NowMs();
    p->tokens = options.max_messages_per_s * 2;
    p->tx_tokens = options.max_txs_per_s * 2;
    p->socket.set_option(tcp::no_delay(true), ec);
    if ((!outbound && Banned(p->BanKey())) || peers.size() >= options.max_peers) {
      p->socket.close(ec);
      if (outbound) DialFailed(address);
      return;
    }
    peers[p->id] = p;
    Log(BCIIN_LOG_DEBUG, fmt::format("peer {} connected ({})", p->remote, outbound ? "outbound" : "inbound"));
    SendHello(p);
    ReadHeader(p);
    UpdateSnapshot();
  }

  bool Banned(const std::string& key) {
    auto it = bans.find(key);
    if (it == bans.end()) return false;
    if (it->second > NowMs()) return true;
    bans.erase(it);
    return false;
  }

  void Disconnect(const std::shared_ptr<Peer>& p, const std::string& why) {
    if (p->state == PeerState::kClosed) return;
    bool was_active = p->state == PeerState::kActive;
    p->state = PeerState::kClosed;
    boost::system::error_code ec;
    p->socket.shutdown(tcp::socket::shutdown_both, ec);
    p->socket.close(ec);
    peers.erase(p->id);
    for (auto it = in_flight.begin(); it != in_flight.end();)
      it = it->second == p->id ? in_flight.erase(it) : std::next(it);
    if (sync_peer == p->id) sync_peer = 0;
    if (p->outbound) DialFailed(p->dial_address);
    Log(was_active ? BCIIN_LOG_INFO : BCIIN_LOG_DEBUG, fmt::format("peer {} disconnected: {}", p->remote, why));
    UpdateSnapshot();
    ScheduleDownloads();
  }

  void Misbehave(const std::shared_ptr<Peer>& p, int points, const std::string& why) {
    p->score += points;
    Log(BCIIN_LOG_WARN, fmt::format("peer {} misbehaved (+{} = {}): {}", p->remote, points, p->score, why));
    if (p->score >= options.ban_score) {
      bans[p->BanKey()] = NowMs() + options.ban_seconds * 1000;
      Log(BCIIN_LOG_WARN, fmt::format("banned peer {} for {} s", p->BanKey(), options.ban_seconds));
      Disconnect(p, "banned: " + why);
    }
  }

  // ---- framing ----

  void ReadHeader(const std::shared_ptr<Peer>& p) {
    asio::async_read(p->socket, asio::buffer(p->header, 4),
                     [self = shared_from_this(), p](boost::system::error_code ec, size_t) {
                       if (p->state == PeerState::kClosed) return;
                       if (ec) return self->Disconnect(p, ec == asio::error::eof ? "closed by peer" : ec.message());
                       uint32_t n = 0;
                       if (Status s = FrameLength(p->header, self->options.max_message_bytes, &n); !s.ok())
                         return self->Misbehave(p, self->options.ban_score, s.message());
                       p->body.resize(n);
                       self->ReadBody(p);
                     });
  }

  void ReadBody(const std::shared_ptr<Peer>& p) {
    asio::async_read(p->socket, asio::buffer(p->body), [self = shared_from_this(), p](boost::system::error_code ec, size_t) {
      if (p->state == PeerState::kClosed) return;
      if (ec) return self->Disconnect(p, ec.message());
      self->OnFrame(p);
      if (p->state != PeerState::kClosed) self->ReadHeader(p);
    });
  }

  void Send(const std::shared_ptr<Peer>& p, chain::Bytes payload) {
    if (p->state == PeerState::kClosed) return;
    auto frame = std::make_shared<chain::Bytes>(4 + payload.size());
    uint32_t n = static_cast<uint32_t>(payload.size());
    std::memcpy(frame->data(), &n, 4);
    std::memcpy(frame->data() + 4, payload.data(), payload.size());
    p->out_bytes += frame->size();
    if (p->out_bytes > 4 * options.max_message_bytes + (16u << 20)) return Disconnect(p, "does not read what we send");
    p->out.push_back(std::move(frame));
    if (p->out.size() == 1) WriteNext(p);
  }

  void WriteNext(const std::shared_ptr<Peer>& p) {
    asio::async_write(p->socket, asio::buffer(*p->out.front()),
                      [self = shared_from_this(), p](boost::system::error_code ec, size_t) {
                        if (p->state == PeerState::kClosed) return;
                        if (ec) return self->Disconnect(p, ec.message());
                        p->out_bytes -= p->out.front()->size();
                        p->out.pop_front();
                        if (!p->out.empty()) self->WriteNext(p);
                      });
  }

  template <class T>
  void SendMsg(const std::shared_ptr<Peer>& p, MsgType type, const T& body) {
    Send(p, EncodeMessage(type, body));
  }

  // ---- messages ----

  void SendHello(const std::shared_ptr<Peer>& p) {
    sdk::ChainHead head = chain.Head();
    Hello h;
    h.network_id = network_id;
    h.genesis = genesis;
    h.height = head.height;
    h.head = head.hash;
    h.weight = head.weight;
    h.listen_port = port;
    h.node_nonce = nonce;
    SendMsg(p, MsgType::kHello, h);
  }

  template <class T>
  bool Decode(const std::shared_ptr<Peer>& p, const Message& m, T* out) {
    Status s = chain::DecodeCanonical(m.body, out, MsgTypeName(m.type));
    if (!s.ok()) Misbehave(p, 50, "malformed " + std::string(MsgTypeName(m.type)) + ": " + s.message());
    return s.ok();
  }

  void OnFrame(const std::shared_ptr<Peer>& p) {
    uint64_t now = NowMs();
    double elapsed = static_cast<double>(now - p->refill_ms) / 1000.0;
    p->refill_ms = now;
    p->tokens = std::min(options.max_messages_per_s * 2, p->tokens + elapsed * options.max_messages_per_s);
    p->tx_tokens = std::min(options.max_txs_per_s * 2, p->tx_tokens + elapsed * options.max_txs_per_s);
    if (p->tokens < 1) return Misbehave(p, 10, "over the message rate limit");
    p->tokens -= 1;

    Message m;
    if (Status s = DecodeMessage(p->body, &m); !s.ok()) return Misbehave(p, 50, s.message());
    auto type = static_cast<MsgType>(m.type);
    if (p->state == PeerState::kHandshake && type != MsgType::kHello)
      return Misbehave(p, options.ban_score, std::string(MsgTypeName(m.type)) + " before hello");
    switch (type) {
      case MsgType::kHello: return OnHello(p, m);
      case MsgType::kPing: {
        Ping ping;
        if (Decode(p, m, &ping)) SendMsg(p, MsgType::kPong, ping);
        return;
      }
      case MsgType::kPong: {
        Ping pong;
        if (Decode(p, m, &pong) && pong.nonce == p->ping_nonce) p->ping_sent_ms = 0;
        return;
      }
      case MsgType::kGetPeers: {
        Empty e;
        if (Decode(p, m, &e)) OnGetPeers(p);
        return;
      }
      case MsgType::kPeers: return OnPeers(p, m);
      case MsgType::kGetHeaders: return OnGetHeaders(p, m);
      case MsgType::kHeaders: return OnHeaders(p, m);
      case MsgType::kGetBlocks: return OnGetBlocks(p, m);
      case MsgType::kBlocks: return OnBlocks(p, m);
      case MsgType::kNewBlock: return OnNewBlock(p, m);
      case MsgType::kNewTxs: return OnNewTxs(p, m);
    }
    Misbehave(p, 20, "unknown message type " + std::to_string(m.type));
  }

  void OnHello(const std::shared_ptr<Peer>& p, const Message& m) {
    if (p->state != PeerState::kHandshake) return Misbehave(p, 20, "second hello");
    Hello h;
    if (!Decode(p, m, &h)) return;
    if (h.node_nonce == nonce) {
      if (p->outbound) known[p->dial_address].self = true;
      return Disconnect(p, "a connection to ourselves");
    }
    if (h.protocol != kProtocolVersion)
      return Disconnect(p, fmt::format("protocol version {} (we speak {})", h.protocol, kProtocolVersion));
    if (h.network_id != network_id || h.genesis != genesis) {
      p->hello = h;
      p->state = PeerState::kActive;  // so the ban key uses its listening port
      return Misbehave(p, options.ban_score,
                       fmt::format("another network: '{}' genesis {} (ours '{}' {})", h.network_id,
                                   chain::BlockId(h.genesis), network_id, chain::BlockId(genesis)));
    }
    for (const auto& [id, other] : peers)
      if (other != p && other->state == PeerState::kActive && other->hello.node_nonce == h.node_nonce)
        return Disconnect(p, "already connected to this node");
    p->hello = h;
    p->state = PeerState::kActive;
    p->best_height = h.height;
    p->best_weight = h.weight;
    if (p->outbound) {
      auto& k = known[p->dial_address];
      k.backoff_ms = 0;
      k.connected = true;
    }
    Log(BCIIN_LOG_INFO, fmt::format("peer {} active: height {}, weight {}", p->remote, h.height, h.weight.ToString()));
    if (options.peer_exchange) SendMsg(p, MsgType::kGetPeers, Empty{});
    UpdateSnapshot();
    MaybeSync(p);
  }

  void OnGetPeers(const std::shared_ptr<Peer>& p) {
    Peers out;
    for (const auto& [id, other] : peers)
      if (other != p && other->state == PeerState::kActive && other->hello.listen_port &&
          out.peers.size() < kMaxPeerAddresses)
        out.peers.push_back({other->ip + ":" + std::to_string(other->hello.listen_port)});
    SendMsg(p, MsgType::kPeers, out);
  }

  void OnPeers(const std::shared_ptr<Peer>& p, const Message& m) {
    Peers in;
    if (!Decode(p, m, &in)) return;
    for (const auto& a : in.peers) {
      std::string host;
      uint16_t port_number = 0;
      if (!SplitAddress(a.address, &host, &port_number)) continue;
      if (known.size() < 256 && !known.count(a.address)) known[a.address] = KnownAddress{};
    }
  }

  std::vector<HashItem> Locator() {
    std::vector<HashItem> loc;
    uint64_t h = chain.Head().height, step = 1;
    for (;;) {
      Hash hash{};
      if (chain.GetMainHash(h, &hash).ok()) loc.push_back({hash});
      if (h == 0 || loc.size() + 1 >= kMaxLocator) break;
      h = h > step ? h - step : 0;
      if (loc.size() > 8) step *= 2;
    }
    Hash g{};
    if (h != 0 && chain.GetMainHash(0, &g).ok()) loc.push_back({g});
    return loc;
  }

  void RequestHeaders(const std::shared_ptr<Peer>& p, std::vector<HashItem> locator) {
    GetHeaders req;
    req.locator = std::move(locator);
    req.max = kMaxHeadersPerMessage;
    p->headers_requested_ms = NowMs();
    sync_peer = p->id;
    SendMsg(p, MsgType::kGetHeaders, req);
  }

  // A header request is outstanding and not late.
  bool HeaderSyncBusy() {
    auto it = peers.find(sync_peer);
    return it != peers.end() && it->second->headers_requested_ms &&
           NowMs() - it->second->headers_requested_ms <= options.stall_ms;
  }

  void MaybeSync(const std::shared_ptr<Peer>& p) {
    if (HeaderSyncBusy() || !queue.empty() || p->headers_requested_ms) return;
    if (!(chain.Head().weight < p->best_weight)) return;
    RequestHeaders(p, Locator());
  }

  void OnGetHeaders(const std::shared_ptr<Peer>& p, const Message& m) {
    GetHeaders req;
    if (!Decode(p, m, &req)) return;
    uint64_t start = 1;
    for (const auto& item : req.locator) {
      chain::Header h;
      Hash main{};
      if (chain.GetHeader(item.hash, &h).ok() && chain.GetMainHash(h.height, &main).ok() && main == item.hash) {
        start = h.height + 1;
        break;
      }
    }
    Headers out;
    uint64_t head = chain.Head().height;
    size_t max = std::min<size_t>(req.max, kMaxHeadersPerMessage);
    for (uint64_t h = start; h <= head && out.headers.size() < max; ++h) {
      Hash hash{};
      chain::Header header;
      if (!chain.GetMainHash(h, &hash).ok() || !chain.GetHeader(hash, &header).ok()) break;
      out.headers.push_back(std::move(header));
    }
    SendMsg(p, MsgType::kHeaders, out);
  }

  void OnHeaders(const std::shared_ptr<Peer>& p, const Message& m) {
    Headers in;
    if (!Decode(p, m, &in)) return;
    if (p->headers_requested_ms == 0) return Misbehave(p, 20, "headers nobody asked for");
    p->headers_requested_ms = 0;
    if (sync_peer == p->id) sync_peer = 0;
    if (in.headers.empty()) {
      // Nothing after our locator: whatever its hello claimed, it has nothing heavier for us.
      p->best_weight = std::min(p->best_weight, chain.Head().weight);
      return;
    }
    // The first header's parent must be known (stored, or a queued header).
    Hash prev = in.headers.front().prev_hash;
    chain::Header parent;
    if (auto q = queued.find(prev); q != queued.end()) parent = q->second;
    else if (!chain.GetHeader(prev, &parent).ok()) return Misbehave(p, 20, "headers that do not connect to our chain");
    for (size_t i = 1; i < in.headers.size(); ++i)
      if (in.headers[i].prev_hash != in.headers[i - 1].BlockHash()) return Misbehave(p, 50, "headers out of order");
    // Each new header's seal is checked (consensus service) before its block is asked for.
    bool complete = true;
    for (const auto& h : in.headers) {
      Hash hash = h.BlockHash();
      chain::Header stored;
      if (queued.count(hash) || chain.GetHeader(hash, &stored).ok()) {
        parent = h;
        continue;
      }
      if (h.height != parent.height + 1) return Misbehave(p, 50, "a header at the wrong height");
      if (Status s = header_check.CheckSeal(h, parent); !s.ok()) {
        if (s.is(BCIIN_ERR_REJECTED))
          return Misbehave(p, options.ban_score,
                           fmt::format("bad seal on header #{} {}: {}", h.height, chain::BlockId(hash), s.message()));
        Log(BCIIN_LOG_WARN, fmt::format("sync: cannot check the seal of header #{}: {}", h.height, s.message()));
        complete = false;
        break;
      }
      queue.push_back(h);
      queued.emplace(hash, h);
      parent = h;
    }
    p->best_height = std::max(p->best_height, in.headers.back().height);
    if (complete && in.headers.size() == kMaxHeadersPerMessage) RequestHeaders(p, {{in.headers.back().BlockHash()}});
    ScheduleDownloads();
  }

  void OnGetBlocks(const std::shared_ptr<Peer>& p, const Message& m) {
    GetBlocks req;
    if (!Decode(p, m, &req)) return;
    Blocks out;
    for (const auto& item : req.hashes) {
      chain::Block b;
      if (chain.GetBlock(item.hash, &b).ok()) out.blocks.push_back(std::move(b));
    }
    SendMsg(p, MsgType::kBlocks, out);
  }

  void OnBlocks(const std::shared_ptr<Peer>& p, const Message& m) {
    Blocks in;
    if (!Decode(p, m, &in)) return;
    if (p->block_requests.empty()) return Misbehave(p, 20, "blocks nobody asked for");
    // Requests are answered in order: this answers the oldest one.
    Peer::BlockRequest req = std::move(p->block_requests.front());
    p->block_requests.pop_front();
    p->stalled = false;
    std::set<Hash, HashLess> asked(req.hashes.begin(), req.hashes.end());
    for (auto& b : in.blocks) {
      Hash hash = b.header.BlockHash();
      if (!asked.erase(hash)) return Misbehave(p, 20, "a block nobody asked for");
      p->Know(hash);
      if (auto it = in_flight.find(hash); it != in_flight.end() && it->second == p->id) in_flight.erase(it);
      if (queued.count(hash)) arrived[hash] = std::move(b);  // (not when another peer's copy came first)
    }
    // What it did not send, it does not have: ask someone else.
    for (const Hash& h : asked)
      if (auto it = in_flight.find(h); it != in_flight.end() && it->second == p->id) in_flight.erase(it);
    // Ask for the next blocks before importing these, so that the peers work while we import.
    ScheduleDownloads();
    ImportArrived();
    ScheduleDownloads();
  }

  // Imports queued blocks in chain order as long as the next one has arrived.
  void ImportArrived() {
    bool reorganised = false;
    while (!queue.empty()) {
      Hash hash = queue.front().BlockHash();
      auto it = arrived.find(hash);
      if (it == arrived.end()) return;
      chain::Bytes bytes = chain::Encode(it->second);
      arrived.erase(it);
      bciin_chain_import_result r{};
      Status s = chain.ImportBlock(bytes, &r);
      if (!s.ok() && !s.is(BCIIN_ERR_ALREADY_EXISTS)) {
        Log(BCIIN_LOG_WARN, fmt::format("sync: block #{} {} rejected: {}", queue.front().height, chain::BlockId(hash), s.message()));
        // Whoever served the headers or the block lied; drop what is left of this download.
        for (auto& [id, peer] : peers)
          if (peer->known.count(hash)) {
            Misbehave(peer, options.ban_score, "served an invalid block: " + s.message());
            break;
          }
        queue.clear();
        queued.clear();
        arrived.clear();
        return;
      }
      reorganised |= r.reorg_depth > 0;
      queued.erase(hash);
      queue.pop_front();
    }
    if (reorganised) AnnounceMempool();
    // Caught up with what we were told; ask the heaviest peer whether there is more.
    std::shared_ptr<Peer> best;
    for (auto& [id, peer] : peers)
      if (peer->state == PeerState::kActive && (!best || best->best_weight < peer->best_weight)) best = peer;
    if (best && !HeaderSyncBusy() && !best->headers_requested_ms && best->best_height > chain.Head().height)
      RequestHeaders(best, Locator());
  }

  // Asks idle request slots of active peers for the blocks of queued headers that are neither
  // in flight nor arrived: batches of `blocks_per_request`, round-robin over the peers that
  // have the height, at most `requests_per_peer` requests outstanding per peer.
  void ScheduleDownloads() {
    if (queue.empty()) return;
    struct Slot {
      std::shared_ptr<Peer> peer;
      size_t free;
      GetBlocks batch;
    };
    std::vector<Slot> slots;
    for (auto& [id, peer] : peers)
      if (peer->state == PeerState::kActive && !peer->stalled && peer->block_requests.size() < options.requests_per_peer)
        slots.push_back({peer, options.requests_per_peer - peer->block_requests.size(), {}});
    if (slots.empty()) return;
    size_t window = 0, next = 0;
    auto flush = [&](Slot& slot) {
      if (slot.batch.hashes.empty()) return;
      Peer::BlockRequest req{NowMs(), {}};
      for (const auto& item : slot.batch.hashes) req.hashes.push_back(item.hash);
      slot.peer->block_requests.push_back(std::move(req));
      SendMsg(slot.peer, MsgType::kGetBlocks, slot.batch);
      slot.batch.hashes.clear();
      --slot.free;
    };
    for (const auto& h : queue) {
      if (++window > 1024) break;
      Hash hash = h.BlockHash();
      if (in_flight.count(hash) || arrived.count(hash)) continue;
      bool placed = false;
      for (size_t tries = 0; tries < slots.size() && !placed; ++tries) {
        Slot& slot = slots[(next + tries) % slots.size()];
        if (slot.free == 0 || slot.peer->best_height < h.height || slot.peer->state != PeerState::kActive) continue;
        slot.batch.hashes.push_back({hash});
        in_flight[hash] = slot.peer->id;
        placed = true;
        next = (next + tries) % slots.size();
        if (slot.batch.hashes.size() >= options.blocks_per_request) {
          flush(slot);
          next = (next + 1) % slots.size();
        }
      }
    }
    for (auto& slot : slots) flush(slot);
  }

  // After a reorganisation the transactions of the abandoned blocks are back in our mempool;
  // offer the pending ones to every peer that has not seen them, so they land on the new branch.
  void AnnounceMempool() {
    std::vector<chain::SignedTx> txs;
    if (!chain.MempoolTxs(512, &txs).ok() || txs.empty()) return;
    for (auto& [id, p] : peers) {
      if (p->state != PeerState::kActive) continue;
      NewTxs msg;
      for (const auto& stx : txs) {
        Hash h = chain::TxHash(stx);
        if (p->known.count(h)) continue;
        p->Know(h);
        msg.txs.push_back(stx);
        if (msg.txs.size() == kMaxTxsPerMessage) {
          SendMsg(p, MsgType::kNewTxs, msg);
          msg.txs.clear();
        }
      }
      if (!msg.txs.empty()) SendMsg(p, MsgType::kNewTxs, msg);
    }
    Log(BCIIN_LOG_DEBUG, fmt::format("offered {} pending transactions to peers after a reorganisation", txs.size()));
  }

  void OnNewBlock(const std::shared_ptr<Peer>& p, const Message& m) {
    NewBlock in;
    if (!Decode(p, m, &in)) return;
    Hash hash = in.block.header.BlockHash();
    p->Know(hash);
    p->best_height = std::max(p->best_height, in.block.header.height);
    if (queued.count(hash)) return;  // the download will bring it
    bciin_chain_import_result r{};
    r.size = sizeof(r);
    Status s = chain.ImportBlock(chain::Encode(in.block), &r);
    if (s.ok() && r.reorg_depth > 0) AnnounceMempool();
    if (s.ok() || s.is(BCIIN_ERR_ALREADY_EXISTS)) return;
    if (s.is(BCIIN_ERR_NOT_FOUND)) {
      // We miss its parent: sync from this peer.
      p->best_weight = chain::Amount::Max();
      if (!HeaderSyncBusy() && queue.empty()) RequestHeaders(p, Locator());
      return;
    }
    Misbehave(p, s.is(BCIIN_ERR_REJECTED) ? 50 : options.ban_score, "invalid block: " + s.message());
  }

  void OnNewTxs(const std::shared_ptr<Peer>& p, const Message& m) {
    NewTxs in;
    if (!Decode(p, m, &in)) return;
    if (p->tx_tokens < static_cast<double>(in.txs.size())) return Misbehave(p, 5, "over the transaction rate limit");
    p->tx_tokens -= static_cast<double>(in.txs.size());
    for (const auto& stx : in.txs) {
      Hash h = chain::TxHash(stx);
      p->Know(h);
      Status s = chain.SubmitTx(chain::Encode(stx), nullptr);
      if (s.is(BCIIN_ERR_INVALID_ARGUMENT)) return Misbehave(p, 20, "invalid transaction: " + s.message());
    }
  }

  // ---- periodic work ----

  void Tick() {
    uint64_t now = NowMs();
    std::vector<std::shared_ptr<Peer>> all;
    for (auto& [id, p] : peers) all.push_back(p);
    for (auto& p : all) {
      if (p->state == PeerState::kClosed) continue;
      if (p->state == PeerState::kHandshake && now - p->connected_ms > options.handshake_timeout_ms) {
        Disconnect(p, "no hello in time");
        continue;
      }
      const uint64_t oldest_block_request = p->block_requests.empty() ? 0 : p->block_requests.front().sent_ms;
      if ((p->headers_requested_ms && now - p->headers_requested_ms > options.request_timeout_ms) ||
          (oldest_block_request && now - oldest_block_request > options.request_timeout_ms) ||
          (p->ping_sent_ms && now - p->ping_sent_ms > options.request_timeout_ms)) {
        p->score += 20;
        Disconnect(p, "did not answer in time");
        continue;
      }
      if (p->state == PeerState::kActive && now - p->last_ping_ms > options.ping_interval_ms && !p->ping_sent_ms) {
        p->last_ping_ms = p->ping_sent_ms = now;
        p->ping_nonce = now ^ p->id;
        SendMsg(p, MsgType::kPing, Ping{p->ping_nonce});
      }
    }
    size_t outbound = 0;
    for (auto& [id, p] : peers) outbound += p->outbound;
    for (auto& [address, k] : known) {
      if (k.connected || k.self || k.next_dial_ms > now) continue;
      if (!k.configured && outbound >= options.max_outbound) continue;
      if (Banned(address)) continue;
      ++outbound;
      Dial(address);
    }
    ReleaseStalled(now);
    // No header request under way (or a late one): sync from the heaviest peer that has more.
    if (!HeaderSyncBusy() && queue.empty()) {
      std::shared_ptr<Peer> best;
      for (auto& [id, p] : peers)
        if (p->state == PeerState::kActive && !p->headers_requested_ms && (!best || best->best_weight < p->best_weight))
          best = p;
      if (best) MaybeSync(best);
    }
    if (!queue.empty()) ScheduleDownloads();
    timer.expires_after(std::chrono::milliseconds(250));
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->Tick();
    });
  }

  // A peer whose oldest get-blocks is late (`stall_ms`) gets no new requests until it answers,
  // and what it was asked for is asked of others, so a slow peer does not hold the sync back.
  void ReleaseStalled(uint64_t now) {
    for (auto& [id, p] : peers) {
      if (p->stalled || p->block_requests.empty() || now - p->block_requests.front().sent_ms <= options.stall_ms)
        continue;
      p->stalled = true;
      size_t released = 0;
      for (const auto& req : p->block_requests)
        for (const Hash& h : req.hashes)
          if (auto it = in_flight.find(h); it != in_flight.end() && it->second == id) {
            in_flight.erase(it);
            ++released;
          }
      Log(BCIIN_LOG_INFO, fmt::format("peer {} is slow to send blocks: {} asked of other peers", p->remote, released));
    }
  }

  void UpdateSnapshot() {
    nlohmann::json j = nlohmann::json::array();
    for (auto& [id, p] : peers)
      j.push_back({{"address", p->outbound ? p->dial_address : p->remote},
                   {"outbound", p->outbound},
                   {"state", p->state == PeerState::kActive ? "active" : "handshake"},
                   {"height", p->best_height},
                   {"score", p->score}});
    for (auto& [key, until] : bans)
      j.push_back({{"address", key}, {"state", "banned"}, {"banned_for_ms", until > NowMs() ? until - NowMs() : 0}});
    std::lock_guard lock(snapshot_mu);
    snapshot = j.dump();
  }

  void Gossip(MsgType /*type*/, const Hash& hash, const chain::Bytes& payload) {
    for (auto& [id, p] : peers) {
      if (p->state != PeerState::kActive || p->known.count(hash)) continue;
      p->Know(hash);
      Send(p, payload);
    }
  }
};

P2pNode::P2pNode(sdk::ChainClient chain, P2pOptions options)
    : impl_(std::make_shared<Impl>(chain, std::move(options))) {
  impl_->genesis = chain.GenesisHash(&impl_->network_id);
  if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
  randombytes_buf(impl_->nonce.data(), impl_->nonce.size());
  for (const auto& a : impl_->options.peers) impl_->known[a].configured = true;
}

P2pNode::~P2pNode() { Stop(); }

Status P2pNode::Start() {
  for (const auto& a : impl_->options.peers) {
    std::string host;
    uint16_t port = 0;
    if (!SplitAddress(a, &host, &port)) return Status::InvalidArgument("peer '" + a + "' is not ip:port");
  }
  if (!impl_->options.listen.empty()) {
    std::string host;
    uint16_t port = 0;
    size_t colon = impl_->options.listen.rfind(':');
    host = impl_->options.listen.substr(0, colon);
    if (colon == std::string::npos) return Status::InvalidArgument("listen '" + impl_->options.listen + "' is not ip:port");
    port = static_cast<uint16_t>(std::stoul(impl_->options.listen.substr(colon + 1)));
    boost::system::error_code ec;
    tcp::endpoint ep(asio::ip::make_address(host, ec), port);
    if (ec) return Status::InvalidArgument("listen address '" + host + "': " + ec.message());
    impl_->acceptor.open(ep.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(ep, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IoError("cannot listen on " + impl_->options.listen + ": " + ec.message());
    impl_->port = impl_->acceptor.local_endpoint().port();
    impl_->Accept();
  }
  impl_->work.emplace(impl_->io.get_executor());
  asio::post(impl_->io, [impl = impl_] { impl->Tick(); });
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
  return Status();
}

void P2pNode::Stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [impl = impl_] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    impl->timer.cancel();
    std::vector<std::shared_ptr<Peer>> all;
    for (auto& [id, p] : impl->peers) all.push_back(p);
    for (auto& p : all) impl->Disconnect(p, "node stopping");
    impl->work.reset();
    impl->io.stop();
  });
  impl_->thread.join();
  // Run the completions of what was cancelled, so that no handler keeps a peer (or us) alive.
  impl_->io.restart();
  impl_->io.poll();
}

uint16_t P2pNode::listen_port() const { return impl_->port; }

void P2pNode::AnnounceBlock(chain::ByteView block) {
  chain::Block b;
  if (!chain::DecodeCanonical(block, &b, "block").ok()) return;
  Hash hash = b.header.BlockHash();
  auto payload = std::make_shared<chain::Bytes>(EncodeMessage(MsgType::kNewBlock, NewBlock{std::move(b)}));
  asio::post(impl_->io, [impl = impl_, hash, payload] { impl->Gossip(MsgType::kNewBlock, hash, *payload); });
}

void P2pNode::AnnounceTx(chain::ByteView tx) {
  chain::SignedTx stx;
  if (!chain::DecodeCanonical(tx, &stx, "tx").ok()) return;
  Hash hash = chain::TxHash(stx);
  NewTxs msg;
  msg.txs.push_back(std::move(stx));
  auto payload = std::make_shared<chain::Bytes>(EncodeMessage(MsgType::kNewTxs, msg));
  asio::post(impl_->io, [impl = impl_, hash, payload] { impl->Gossip(MsgType::kNewTxs, hash, *payload); });
}

Status P2pNode::Connect(const std::string& address) {
  std::string host;
  uint16_t port = 0;
  if (!SplitAddress(address, &host, &port)) return Status::InvalidArgument("'" + address + "' is not ip:port");
  asio::post(impl_->io, [impl = impl_, address] {
    auto& k = impl->known[address];
    k.configured = true;
    k.next_dial_ms = 0;
    k.backoff_ms = 0;
    if (!k.connected && !k.self && !impl->Banned(address)) impl->Dial(address);  // now, not at the next tick
  });
  return Status();
}

std::string P2pNode::PeersJson() const {
  std::lock_guard lock(impl_->snapshot_mu);
  return impl_->snapshot;
}

}  // namespace bciin::p2p
