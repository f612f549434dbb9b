// Several real bciin-node processes on loopback, driven through the API and bciin-cli: sync,
// gossip, a late node, misbehaving peers, and the API's answers to bad input.
#include "harness.h"
#include "http_client.h"
#include "messages.h"
#include "process.hpp"

#include <bciin/chain/address.h>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace bciin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = static_cast<uint16_t>(21000 + (getpid() % 900) * 10);
    auto r = RunProgram(Program("bciin-cli"), {"devnet", "init", "--dir", (dir_ / "net").string(), "--nodes", "0",
                                               "--interval-ms", "300"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  uint16_t P2pPort(int i) const { return static_cast<uint16_t>(base_ + i); }
  uint16_t ApiPort(int i) const { return static_cast<uint16_t>(base_ + 5 + i); }
  std::string Url(int i) const { return "http://127.0.0.1:" + std::to_string(ApiPort(i)); }
  fs::path DataDir(int i) const { return dir_ / ("node" + std::to_string(i)); }

  // Starts node i; `peers` are node numbers it dials.
  Process& Start(int i, bool produce, std::vector<int> peers) {
    std::string ini = "plugin = chain\nplugin = storage-leveldb\nplugin = consensus-dev\nplugin = p2p\n"
                      "plugin = api-http\ndata-dir = " + DataDir(i).string() + "\n[chain]\ngenesis = " +
                      (dir_ / "net" / "genesis.json").string() + "\nproduce = " + (produce ? "true" : "false") +
                      "\nverify-threads = 1\n[consensus-dev]\nkey-file = " + (dir_ / "net" / "authority.key").string() +
                      "\ninterval-ms = 300\n[p2p]\nport = " + std::to_string(P2pPort(i)) +
                      "\nrequest-timeout-ms = 4000\n";
    for (int p : peers) ini += "peer = 127.0.0.1:" + std::to_string(P2pPort(p)) + "\n";
    ini += "[api-http]\nport = " + std::to_string(ApiPort(i)) + "\n";
    fs::path file = dir_ / ("node" + std::to_string(i) + ".ini");
    WriteFile(file, ini);
    nodes_[i] = std::make_unique<Process>(Program("bciin-node"), std::vector<std::string>{"--config", file.string()});
    EXPECT_TRUE(nodes_[i]->WaitForOutput("API listening", 60s)) << nodes_[i]->Output();
    return *nodes_[i];
  }

  json Get(int i, const std::string& target) {
    cli::HttpClient c(Url(i), "");
    json j;
    Status s = c.Get(target, &j);
    return s.ok() ? j : json{{"failed", s.ToString()}};
  }
  uint64_t Height(int i) {
    json j = Get(i, "/v1/status");
    return j.contains("head") ? j["head"].value("height", uint64_t{0}) : 0;
  }
  std::string MainHash(int i, uint64_t height) {
    return Get(i, "/v1/headers/height/" + std::to_string(height)).value("hash", "");
  }

  TempDir dir_;
  uint16_t base_ = 0;
  std::map<int, std::unique_ptr<Process>> nodes_;
};

TEST_F(NetworkTest, TxSentToAnyNodeIsIncludedOnAllAndALateNodeCatchesUp) {
  Start(0, true, {});
  Start(1, false, {0});
  Start(2, false, {1});
  ASSERT_TRUE(WaitFor([&] { return Height(2) >= 3; }, 60s)) << nodes_[2]->Output();

  // bciin-cli: import a funded devnet key, send to a new key through node 2, wait for inclusion.
  std::vector<std::string> env_args = {"--keystore", (dir_ / "ks").string(), "--password-file",
                                       (dir_ / "pw").string()};
  WriteFile(dir_ / "pw", "secret\n");
  auto cli = [&](std::vector<std::string> args) {
    std::vector<std::string> all = env_args;
    all.insert(all.end(), args.begin(), args.end());
    return RunProgram(Program("bciin-cli"), all, 90s);
  };
  ASSERT_EQ(cli({"keys", "import", "alice", (dir_ / "net" / "keys" / "account-0.key").string()}).exit_code, 0);
  auto bob = cli({"--json", "keys", "new", "bob"});
  ASSERT_EQ(bob.exit_code, 0) << bob.output;
  std::string bob_address = json::parse(bob.output).value("address", "");
  auto sent = cli({"--node", Url(2), "--token-file", (DataDir(2) / "api-token").string(), "--json", "send", "--from",
                   "alice", "--to", "bob", "--amount", "4242", "--timeout", "60"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output << nodes_[2]->Output();
  json included = json::parse(sent.output.substr(sent.output.rfind('{', sent.output.rfind("\"state\""))), nullptr, false);
  std::string block = included.value("block", "");
  ASSERT_FALSE(block.empty()) << sent.output;

  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(WaitFor([&] { return Get(i, "/v1/accounts/" + bob_address).value("balance", "") == "4242"; }, 30s))
        << "node " << i;
    EXPECT_EQ(MainHash(i, included.value("height", uint64_t{0})), block) << "node " << i;
  }

  // A node started late catches up with the producer, block for block.
  Start(3, false, {2});
  uint64_t target = Height(0);
  ASSERT_TRUE(WaitFor([&] { return Height(3) >= target; }, 60s)) << nodes_[3]->Output();
  EXPECT_EQ(MainHash(3, target), MainHash(0, target));
  auto verified = cli({"--node", Url(3), "--json", "verify", bob_address});
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(json::parse(verified.output).value("balance", ""), "4242");
}

// Sends raw bytes to a node's p2p port and returns what came back until it closed or 5 s passed.
void SendRaw(uint16_t port, const chain::Bytes& bytes) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(s, boost::asio::buffer(bytes));
  boost::system::error_code ec;
  char buf[4096];
  auto end = std::chrono::steady_clock::now() + 5s;
  s.non_blocking(true);
  while (std::chrono::steady_clock::now() < end) {
    s.read_some(boost::asio::buffer(buf), ec);
    if (ec && ec != boost::asio::error::would_block) return;
    std::this_thread::sleep_for(50ms);
  }
}

chain::Bytes Frame(const chain::Bytes& payload) {
  chain::Bytes out(4);
  uint32_t n = static_cast<uint32_t>(payload.size());
  std::memcpy(out.data(), &n, 4);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

TEST_F(NetworkTest, GarbageAndWrongNetworkPeersAreBannedAndTheRestKeepsGoing) {
  Process& n0 = Start(0, true, {});
  Start(1, false, {0});
  ASSERT_TRUE(WaitFor([&] { return Height(1) >= 2; }, 60s));

  // An oversized frame, garbage after a valid length, a message before hello, another network.
  SendRaw(P2pPort(0), {0xff, 0xff, 0xff, 0x7f, 1, 2, 3});
  SendRaw(P2pPort(0), Frame({9, 9, 9, 9, 9}));
  SendRaw(P2pPort(0), Frame(p2p::EncodeMessage(p2p::MsgType::kPing, p2p::Ping{7})));
  p2p::Hello wrong;
  wrong.network_id = "another-net";
  wrong.listen_port = 1;
  SendRaw(P2pPort(0), Frame(p2p::EncodeMessage(p2p::MsgType::kHello, wrong)));
  EXPECT_TRUE(n0.WaitForOutput("over the limit", 10s));
  EXPECT_TRUE(n0.WaitForOutput("before hello", 10s));
  EXPECT_TRUE(n0.WaitForOutput("another network", 10s));
  EXPECT_TRUE(n0.WaitForOutput("banned peer", 10s));

  // The honest peer is still served.
  uint64_t h = Height(0);
  EXPECT_TRUE(WaitFor([&] { return Height(1) >= h + 2; }, 60s)) << nodes_[1]->Output();
  EXPECT_TRUE(n0.Running());
}

TEST_F(NetworkTest, ApiAnswersBadInputWithJsonErrors) {
  Start(0, false, {});
  std::string token = ReadFile(DataDir(0) / "api-token");
  token.erase(token.find_last_not_of("\n") + 1);
  cli::HttpClient anon(Url(0), ""), admin(Url(0), token);
  auto expect = [&](const cli::HttpClient& c, const char* method, const std::string& target, const std::string& body,
                    int status, const std::string& code) {
    cli::HttpResult r;
    ASSERT_TRUE(c.Request(method, target, body, &r).ok());
    EXPECT_EQ(r.status, status) << method << " " << target;
    ASSERT_TRUE(r.body.is_object()) << target;
    EXPECT_EQ(r.body["error"].value("code", ""), code) << target;
  };
  expect(anon, "GET", "/v1/nope", "", 404, "unknown_call");
  expect(anon, "POST", "/v1/transactions", R"({"tx":"00"})", 401, "unauthorized");
  expect(admin, "POST", "/v1/transactions", "{not json", 400, "invalid_json");
  expect(admin, "POST", "/v1/transactions", R"({"tx":"0102"})", 400, "invalid_argument");
  // Every time, though the server stops reading such a body early: it drains before closing, so the
  // client's unsent rest does not turn into a connection reset that swallows the reply.
  for (int i = 0; i < 20; ++i) expect(admin, "POST", "/v1/transactions", std::string(2 << 20, 'x'), 413, "body_too_large");
  expect(anon, "DELETE", "/v1/status", "", 405, "method_not_allowed");
  expect(anon, "GET", "/v1/blocks/height/999999", "", 404, "not_found");
  expect(anon, "GET", "/v1/accounts/ak_bad", "", 400, "invalid_argument");
  // Still healthy after all of it.
  EXPECT_EQ(Get(0, "/v1/status").value("network_id", ""), "bciin-devnet");
}

// The block stream: a client connected to /v1/events/blocks receives one `block` event per new
// head, with the block's JSON (the node builds it only while such a client is connected).
TEST_F(NetworkTest, BlockStreamSendsEveryNewHead) {
  Start(0, true, {});
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), ApiPort(0)});
  timeval limit{30, 0};  // a read that waits longer fails the test instead of hanging it
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  std::string request = "GET /v1/events/blocks HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string received;
  std::thread reader([&] {
    char buf[4096];
    boost::system::error_code ec;
    for (size_t n; (n = socket.read_some(boost::asio::buffer(buf), ec)) > 0 && !ec;) {
      received.append(buf, n);
      size_t events = 0;
      for (size_t at = 0; (at = received.find("event: block", at)) != std::string::npos; ++at) ++events;
      if (events >= 3) break;
    }
  });
  reader.join();  // ends after three blocks, or when the node closes the stream
  EXPECT_NE(received.find("200 OK"), std::string::npos) << received;
  EXPECT_NE(received.find("text/event-stream"), std::string::npos) << received;
  size_t first = received.find("event: block\ndata: ");
  ASSERT_NE(first, std::string::npos) << received;
  size_t start = first + std::string("event: block\ndata: ").size();
  json block = json::parse(received.substr(start, received.find('\n', start) - start), nullptr, false);
  ASSERT_TRUE(block.is_object()) << received.substr(start, 200);
  std::string hash = block.value("hash", "");
  uint64_t height = block.value("height", uint64_t{0});
  ASSERT_FALSE(hash.empty()) << block.dump();
  EXPECT_EQ(MainHash(0, height), hash);
}

}  // namespace
}  // namespace bciin::testing
