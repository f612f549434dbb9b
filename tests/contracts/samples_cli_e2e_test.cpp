// The sample contracts of samples/contracts (built with clang by bciin_add_contract) on a real
// bciin-node devnet (chain + storage-leveldb + consensus-dev + vm-wasm + api-http), driven through
// bciin-cli only: deploys, calls, reverts with their messages and failed receipts, balances read
// through the API, and a storage entry proven against its header with `contract storage --verify`.
#include "http_client.h"
#include "process.hpp"

#include <bciin/chain/address.h>
#include <bciin/chain/contract_state.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

namespace bciin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const fs::path kContracts = BCIIN_SAMPLE_CONTRACTS_DIR;

// The word after `label` in `text` ("contract address ct_..." -> "ct_...").
std::string WordAfter(const std::string& text, const std::string& label) {
  size_t i = text.find(label);
  if (i == std::string::npos) return "";
  i += label.size();
  size_t j = text.find_first_of(" \n\r", i);
  return text.substr(i, j == std::string::npos ? std::string::npos : j - i);
}

// A u128 as bciin-cli input and as the API's little-endian hex.
std::string U128Hex(uint64_t v) {
  chain::Bytes b(16, 0);
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return chain::ToHex(b);
}

class SamplesCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = RunProgram(Program("bciin-cli"), {"devnet", "init", "--dir", (dir_ / "net").string(), "--nodes", "0",
                                                  "--accounts", "3"});
    ASSERT_EQ(init.exit_code, 0) << init.output;
    fs::create_directories(dir_ / "data");
    WriteFile(dir_ / "node.ini",
              // storage-leveldb first: in the other order LeakSanitizer reports leveldb's
              // never-freed Env singleton once its module is unloaded.
              "plugin = storage-leveldb\nplugin = vm-wasm\nplugin = chain\nplugin = consensus-dev\n"
              "plugin = api-http\ndata-dir = " + (dir_ / "data").string() + "\n[chain]\ngenesis = " +
                  (dir_ / "net" / "genesis.json").string() + "\nproduce = true\nverify-threads = 1\n"
                  "[consensus-dev]\nkey-file = " + (dir_ / "net" / "authority.key").string() +
                  "\ninterval-ms = 150\n[api-http]\nport = 0\n");
    node_ = std::make_unique<Process>(Program("bciin-node"), std::vector<std::string>{"--config", (dir_ / "node.ini").string()});
    ASSERT_TRUE(node_->WaitForOutput("API listening on ", 60s)) << node_->Output();
    url_ = "http://" + WordAfter(node_->Output(), "API listening on http://");
    WriteFile(dir_ / "pw", "secret\n");
    const char* names[] = {"alice", "bob", "carol"};
    for (int i = 0; i < 3; ++i) {
      auto r = Cli({"--json", "keys", "import", names[i], (dir_ / "net" / "keys" / ("account-" + std::to_string(i) + ".key")).string()});
      ASSERT_EQ(r.exit_code, 0) << r.output;
      address_[names[i]] = json::parse(r.output).value("address", "");
    }
  }

  void TearDown() override {
    if (!node_) return;
    node_->Signal(SIGTERM);
    EXPECT_EQ(node_->Wait(30s), 0) << node_->Output();
  }

  RunResult Cli(std::vector<std::string> args) {
    std::vector<std::string> all = {"--node", url_, "--token-file", (dir_ / "data" / "api-token").string(),
                                    "--keystore", (dir_ / "ks").string(), "--password-file", (dir_ / "pw").string()};
    all.insert(all.end(), args.begin(), args.end());
    return RunProgram(Program("bciin-cli"), all, 90s);
  }
  // Deploys a sample; returns its ct_ address.
  std::string Deploy(const std::string& from, const std::string& sample, const std::string& args) {
    auto r = Cli({"contract", "deploy", "--from", from, (kContracts / ("sample_" + sample + ".wasm")).string(), "--args", args});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("receipt: ok"), std::string::npos) << r.output;
    return WordAfter(r.output, "contract address ");
  }
  // A successful call; returns the CLI's output (receipt included).
  std::string Call(const std::string& from, const std::string& contract, std::vector<std::string> args) {
    std::vector<std::string> all = {"contract", "call", "--from", from, contract};
    all.insert(all.end(), args.begin(), args.end());
    auto r = Cli(all);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("receipt: ok"), std::string::npos) << r.output;
    return r.output;
  }
  json Api(const std::string& target) {
    cli::HttpClient c(url_, "");
    json j;
    Status s = c.Get(target, &j);
    return s.ok() ? j : json{{"failed", s.ToString()}};
  }
  // Native balance through the API (of an ak_ account or a ct_ contract).
  std::string Balance(std::string address) {
    chain::PublicKey k{};
    if (chain::DecodeId(chain::kContractPrefix, address, &k).ok()) address = chain::AccountId(k);
    return Api("/v1/accounts/" + address).value("balance", "0");
  }
  // A contract storage entry through the API (hex, "" when absent).
  std::string Entry(const std::string& contract, const std::string& key_hex) {
    json j = Api("/v1/contracts/" + contract + "/storage/" + key_hex);
    return j["value"].is_string() ? j["value"].get<std::string>() : "";
  }
  std::string Hex(const std::string& text) { return chain::ToHex(chain::AsView(text)); }
  std::string KeyHex(const std::string& address) {
    chain::PublicKey k{};
    EXPECT_TRUE(chain::DecodeId(chain::kAccountPrefix, address, &k).ok()) << address;
    return chain::ToHex(k);
  }

  TempDir dir_;
  std::unique_ptr<Process> node_;
  std::string url_;
  std::map<std::string, std::string> address_;
};

TEST_F(SamplesCliTest, TokenTransfersRevertsWithAFailedReceiptAndProvesABalance) {
  const std::string token = Deploy("alice", "token", "u128:1000000");
  ASSERT_EQ(token.rfind("ct_", 0), 0u) << token;
  auto shown = Cli({"--json", "contract", "show", token});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(json::parse(shown.output).value("storage_entries", 0), 2);  // alice's balance and the supply

  std::string out = Call("alice", token, {"t", "--args", "key:bob,u128:250"});
  EXPECT_NE(out.find("event transfer"), std::string::npos) << out;
  const std::string bob_key = "62" + KeyHex(address_["bob"]);  // 'b' + address
  EXPECT_EQ(Entry(token, bob_key), U128Hex(250));
  EXPECT_EQ(Entry(token, "62" + KeyHex(address_["alice"])), U128Hex(1000000 - 250));
  out = Call("carol", token, {"b", "--args", "key:bob"});
  EXPECT_NE(out.find("return data: " + U128Hex(250) + " (250 little-endian)"), std::string::npos) << out;

  // Over the balance as bob's next transaction: the node refuses it with the revert message.
  auto refused = Cli({"contract", "call", "--from", "bob", token, "t", "--args", "key:carol,u128:251"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("contract reverted: insufficient token balance"), std::string::npos) << refused.output;

  // Queued behind a transfer that empties the balance, it is included and fails: its receipt
  // says reverted, with the message and the gas; the fee is paid and the state is unchanged.
  auto queued = Cli({"contract", "call", "--from", "bob", token, "t", "--args", "key:carol,u128:200", "--nonce", "2",
                     "--no-wait"});
  ASSERT_EQ(queued.exit_code, 0) << queued.output;
  const std::string failed_tx = WordAfter(queued.output, "submitted ");
  ASSERT_EQ(failed_tx.rfind("th_", 0), 0u) << queued.output;
  Call("bob", token, {"t", "--args", "key:carol,u128:200"});
  auto receipt = Cli({"--json", "contract", "receipt", failed_tx});
  for (int i = 0; i < 100 && receipt.output.find("\"receipt\"") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    receipt = Cli({"--json", "contract", "receipt", failed_tx});
  }
  ASSERT_EQ(receipt.exit_code, 0) << receipt.output;
  json r = json::parse(receipt.output);
  EXPECT_EQ(r.value("state", ""), "included");
  EXPECT_FALSE(r.value("success", true));
  EXPECT_GT(r.value("gas_used", 0), 0);
  EXPECT_EQ(r["receipt"].value("status", ""), "reverted");
  EXPECT_EQ(r["receipt"].value("message", ""), "insufficient token balance");
  EXPECT_GT(r["receipt"].value("gas_used", 0), 0);
  EXPECT_EQ(Entry(token, bob_key), U128Hex(50));
  EXPECT_EQ(Entry(token, "62" + KeyHex(address_["carol"])), U128Hex(200));
  auto text = Cli({"contract", "receipt", failed_tx});
  EXPECT_NE(text.output.find("message: insufficient token balance"), std::string::npos) << text.output;

  // Bob's token balance proven against a header, as a light client.
  auto proven = Cli({"--json", "contract", "storage", token, "text:b,key:bob", "--verify"});
  ASSERT_EQ(proven.exit_code, 0) << proven.output;
  json p = json::parse(proven.output);
  EXPECT_TRUE(p.value("verified", false));
  EXPECT_EQ(p.value("value", ""), U128Hex(50));
  EXPECT_GT(p.value("height", 0), 0);
  auto absent = Cli({"--json", "contract", "storage", token, "text:b,hex:" + std::string(64, '0'), "--verify"});
  ASSERT_EQ(absent.exit_code, 0) << absent.output;
  EXPECT_FALSE(json::parse(absent.output).value("exists", true));
}

TEST_F(SamplesCliTest, EscrowPaysTheOwnerOnConfirmationAndRefundsAfterTheDeadline) {
  const auto now_ms = [] {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  };
  // Job 1: alice (customer) pays in, a refund before the deadline is refused, her confirmation
  // pays carol (the machine owner), who sends nothing herself.
  const std::string job1 =
      Deploy("alice", "escrow", "key:carol,u128:5000,u64:" + std::to_string(now_ms() + 3600'000));
  Call("alice", job1, {"p", "--value", "5000"});
  EXPECT_EQ(Balance(job1), "5000");
  auto early = Cli({"contract", "call", "--from", "bob", job1, "r"});
  EXPECT_EQ(early.exit_code, 1) << early.output;
  EXPECT_NE(early.output.find("the deadline has not passed"), std::string::npos) << early.output;
  const std::string carol_before = Balance(address_["carol"]);
  std::string out = Call("alice", job1, {"c"});
  EXPECT_NE(out.find("event paid"), std::string::npos) << out;
  EXPECT_EQ(Balance(job1), "0");
  EXPECT_EQ(Balance(address_["carol"]), chain::Amount::Parse(carol_before)->Add(chain::Amount(5000))->ToString());
  EXPECT_EQ(Entry(job1, Hex("state")), "0200000000000000");  // PAID

  // Job 2: the deadline passes (block time) and bob refunds alice.
  const uint64_t deadline = now_ms() + 2000;
  const std::string job2 = Deploy("alice", "escrow", "key:carol,u128:7000,u64:" + std::to_string(deadline));
  Call("alice", job2, {"p", "--value", "7000"});
  while (Api("/v1/status")["head"].value("time_ms", uint64_t{0}) <= deadline) std::this_thread::sleep_for(100ms);
  const std::string alice_before = Balance(address_["alice"]);
  out = Call("bob", job2, {"r"});
  EXPECT_NE(out.find("event refunded"), std::string::npos) << out;
  EXPECT_EQ(Balance(job2), "0");
  EXPECT_EQ(Balance(address_["alice"]), chain::Amount::Parse(alice_before)->Add(chain::Amount(7000))->ToString());
  out = Call("bob", job2, {"?"});
  EXPECT_NE(out.find("return data: 0300000000000000"), std::string::npos) << out;  // REFUNDED
}

TEST_F(SamplesCliTest, MachineServiceRequestAndPartOrderHappyPaths) {
  // Service: alice owns machine 7 and requests service for a fee of 900; carol accepts, marks
  // it done, and alice's confirmation pays her.
  const std::string service = Deploy("alice", "service_request", "u64:7");
  std::string out = Call("alice", service, {"n", "--args", "text:spindle bearing noise", "--value", "900"});
  EXPECT_NE(out.find("return data: 0100000000000000"), std::string::npos) << out;  // request 1
  Call("carol", service, {"a", "--args", "u64:1"});
  Call("carol", service, {"d", "--args", "u64:1"});
  const std::string carol_before = Balance(address_["carol"]);
  Call("alice", service, {"c", "--args", "u64:1"});
  EXPECT_EQ(Balance(service), "0");
  EXPECT_EQ(Balance(address_["carol"]), chain::Amount::Parse(carol_before)->Add(chain::Amount(900))->ToString());
  EXPECT_EQ(Entry(service, "64" + std::string("0100000000000000")), Hex("spindle bearing noise"));

  // Part order: alice orders 4 of part 1234 from bob for 1200, bob ships, alice's receipt pays bob.
  const std::string order = Deploy("alice", "part_order", "key:bob");
  out = Call("alice", order, {"o", "--args", "u64:1234,u64:4", "--value", "1200"});
  EXPECT_NE(out.find("event ordered"), std::string::npos) << out;
  EXPECT_EQ(Balance(order), "1200");
  Call("bob", order, {"s", "--args", "u64:1"});
  const std::string bob_before = Balance(address_["bob"]);
  Call("alice", order, {"r", "--args", "u64:1"});
  EXPECT_EQ(Balance(order), "0");
  EXPECT_EQ(Balance(address_["bob"]), chain::Amount::Parse(bob_before)->Add(chain::Amount(1200))->ToString());
  out = Call("carol", order, {"?", "--args", "u64:1"});
  // RECEIVED, part 1234, quantity 4 (then padding and the payment)
  EXPECT_NE(out.find("return data: 0300000000000000d2040000000000000400000000000000"), std::string::npos) << out;
}

}  // namespace
}  // namespace bciin::testing
