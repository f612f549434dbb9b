// A C contract compiled with clang (tests/contracts/counter.c) on a devnet of real bciin-node
// processes: deployed by a signed create transaction, called by a signed call transaction, and
// its storage proven against a block header, by bciin-light and by the light-client function.
#include "chain/genesis.h"
#include "contracts.h"
#include "devnet.h"
#include "process.hpp"

#include <bciin/chain/address.h>
#include <bciin/chain/light_client.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace bciin {
namespace {

namespace fs = std::filesystem;
using chain::KeyPair;
using chain::SignedTx;
using testing::Process;
using testing::TempDir;

std::string Hex(chain::ByteView b) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (uint8_t c : b) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}
chain::Bytes Unhex(std::string h) {
  while (!h.empty() && (h.back() == '\n' || h.back() == ' ')) h.pop_back();
  chain::Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

TEST(ContractsE2E, ClangContractDeployedCalledAndProvenOnADevnet) {
  TempDir dir;
  const fs::path data = dir / "data";
  const fs::path txs = dir / "txs";
  fs::create_directories(data);
  fs::create_directories(txs);
  chain_service::DevnetOptions devnet;
  devnet.accounts = 2;
  ASSERT_TRUE(chain_service::WriteDevnetGenesis(data / "genesis.json", dir / "keys", devnet).ok());
  chain::Genesis genesis;
  ASSERT_TRUE(chain::Genesis::FromFile((data / "genesis.json").string(), &genesis).ok());
  KeyPair owner = KeyPair::Generate(), user = KeyPair::Generate();
  ASSERT_TRUE(KeyPair::Load((dir / "keys" / "account-0.key").string(), &owner).ok());
  ASSERT_TRUE(KeyPair::Load((dir / "keys" / "account-1.key").string(), &user).ok());

  // The contract, as clang and wasm-ld built it.
  std::string code = testing::ReadFile(BCIIN_E2E_COUNTER_WASM);
  ASSERT_GT(code.size(), 8u);
  ASSERT_EQ(code.substr(0, 4), std::string("\0asm", 4));

  auto sign = [&](const KeyPair& key, uint64_t nonce, uint16_t type, chain::Bytes payload) {
    chain::Tx tx;
    tx.type = type;
    tx.sender = key.public_key();
    tx.nonce = nonce;
    tx.gas = 5'000'000;
    tx.gas_price = genesis.params.min_gas_price;
    tx.payload = std::move(payload);
    return chain::SignTx(genesis.params.network_id, tx, key);
  };
  vm::CreatePayload create;
  create.code.assign(code.begin(), code.end());
  SignedTx create_tx = sign(owner, 1, vm::kCreateTxType, chain::Encode(create));
  const chain::PublicKey contract = vm::ContractAddress(owner.public_key(), 1);
  vm::CallPayload call;
  call.contract = contract;
  call.data = {42, 0, 0, 0, 0, 0, 0, 0};
  SignedTx call_tx = sign(user, 1, vm::kCallTxType, chain::Encode(call));
  testing::WriteFile(txs / "1-create.tx", chain::AsString(chain::Encode(create_tx)));
  testing::WriteFile(txs / "2-call.tx", chain::AsString(chain::Encode(call_tx)));

  const std::string total_key = vm::StorageKey(contract, "total");
  const fs::path plugins = testing::BuildDir() / "lib" / "bciin" / "plugins";
  testing::WriteFile(dir / "node.ini",
                     // vm-wasm before chain: the chain component collects the ledger extensions
                     // when it is created, and plugins it does not require start in this order.
                     // storage-leveldb first: in the other order LeakSanitizer reports leveldb's
                     // never-freed Env singleton once its module is unloaded.
                     "plugin = storage-leveldb\nplugin = vm-wasm\nplugin = chain\nplugin = consensus-dev\n"
                     "plugin = contract-driver\n"
                     "plugin-dir = " + plugins.string() + "\ndata-dir = " + data.string() + "\n"
                     "[consensus-dev]\ninterval-ms = 100\n"
                     "[chain]\nproduce = true\nverify-threads = 1\n"
                     "[contract-driver]\ntx-dir = " + txs.string() + "\nprove-key = " +
                         Hex(chain::AsView(total_key)) + "\n");
  Process node(testing::Program("bciin-node"), {"--config", (dir / "node.ini").string()});
  ASSERT_TRUE(node.WaitForOutput("driver: done", std::chrono::seconds(90))) << node.Output();
  node.Signal(SIGTERM);
  ASSERT_EQ(node.Wait(std::chrono::seconds(30)), 0) << node.Output();
  const std::string log = node.Output();
  EXPECT_NE(log.find("driver: included 1-create.tx at height"), std::string::npos) << log;
  EXPECT_NE(log.find("driver: included 2-call.tx at height"), std::string::npos) << log;
  EXPECT_EQ(log.find("success 0"), std::string::npos) << log;

  // The header and the proof the node gave out, checked by the light client alone.
  const std::string header_hex = testing::ReadFile(txs / "header.hex");
  const std::string proof_hex = testing::ReadFile(txs / "proof.hex");
  auto light = testing::RunProgram(testing::Program("bciin-light"),
                                   {"--header", "@" + (txs / "header.hex").string(), "--proof",
                                    "@" + (txs / "proof.hex").string()});
  EXPECT_EQ(light.exit_code, 0) << light.output;
  EXPECT_NE(light.output.find("2a00000000000000"), std::string::npos) << light.output;

  std::optional<chain::Bytes> value;
  Status s = chain::VerifyStateProof(Unhex(header_hex), Unhex(proof_hex), &value);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, (chain::Bytes{42, 0, 0, 0, 0, 0, 0, 0}));

  // A forged value does not verify.
  chain::StateProof proof;
  ASSERT_TRUE(chain::DecodeCanonical(Unhex(proof_hex), &proof, "proof").ok());
  proof.key = chain::Bytes(total_key.begin(), total_key.end());
  proof.key.back() ^= 1;
  chain::Header header;
  ASSERT_TRUE(chain::DecodeCanonical(Unhex(header_hex), &header, "header").ok());
  std::optional<chain::Bytes> forged;
  Status bad = chain::VerifyStateProof(header, proof, &forged);
  EXPECT_TRUE(!bad.ok() || !forged) << "a proof for another key proved a value";
}

}  // namespace
}  // namespace bciin
