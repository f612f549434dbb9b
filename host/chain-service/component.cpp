// The built-in component `chain`: opens the chain engine on the node's kv and consensus
// services and the loaded ledger extensions, provides bciin.chain/1, runs the block producer
// when asked, logs each new head and publishes "chain.block" and "chain.tx".
#include "devnet.h"
#include "devnet_load.h"
#include "service_table.h"
#include "tx_index.h"

#include "chain/chain.h"
#include "chain/producer.h"
#include "plugin_runtime.hpp"

#include <bciin/chain/address.h>
#include <bciin/chain_service.h>
#include <bciin/ledger.h>
#include <bciin/node_info.h>
#include <bciin/sdk/plugin.hpp>

#include <fmt/format.h>

#include <filesystem>

namespace {

using bciin::Status;
using bciin::sdk::ThrowIfError;
namespace chain = bciin::chain;
namespace cs = bciin::chain_service;

class ChainComponent : public bciin::sdk::Plugin {
 public:
  explicit ChainComponent(bciin::sdk::Host host) : Plugin(host) {
    std::filesystem::path data_dir = host.DataDir();
    std::string genesis_path = host.GetString("genesis");
    if (genesis_path.empty()) genesis_path = (data_dir / "genesis.json").string();
    if (!std::filesystem::exists(genesis_path)) {
      if (!host.GetBool("init-devnet", true))
        throw bciin::sdk::Error(Status::NotFound(
            "genesis file " + genesis_path + " does not exist (set [chain] genesis, or init-devnet = true)"));
      cs::DevnetOptions o;
      o.accounts = host.GetUint("devnet-accounts", 4);
      ThrowIfError(cs::WriteDevnetGenesis(genesis_path, data_dir / "devnet", o));
      host.Warn(fmt::format("no genesis: wrote a devnet genesis to {} funding {} accounts (keys in {})",
                            genesis_path, o.accounts, (data_dir / "devnet").string()));
    }
    chain::Genesis genesis;
    ThrowIfError(chain::Genesis::FromFile(genesis_path, &genesis));

    bciin::sdk::KvStore kv;
    ThrowIfError(bciin::sdk::KvStore::From(host.FindService(BCIIN_KV_SERVICE_ID, "1.0.0"), &kv));
    bciin::sdk::ConsensusClient consensus;
    ThrowIfError(bciin::sdk::ConsensusClient::From(host.FindService(BCIIN_CONSENSUS_SERVICE_ID, "1.0.0"), &consensus));

    // Every ledger extension the loaded plugins provide (the accounts extension is built in).
    std::vector<const bciin_ledger_extension*> extensions;
    auto* runtime = bciin::host::PluginRuntime::FromHandle(host.handle());
    for (const bciin_service_header* h : runtime->FindAllServices(BCIIN_LEDGER_EXTENSION_SERVICE_ID, "1.0.0"))
      extensions.push_back(reinterpret_cast<const bciin_ledger_extension*>(h));
    const bciin_contract_hook* hook = reinterpret_cast<const bciin_contract_hook*>(
        host.FindService(BCIIN_CONTRACT_HOOK_SERVICE_ID, "1.0.0"));

    chain::ChainOptions options;
    options.verify_threads = static_cast<unsigned>(host.GetUint("verify-threads", 0));
    options.sync_writes = host.GetBool("sync-writes", false);
    options.mempool.max_txs = host.GetUint("mempool-max-txs", options.mempool.max_txs);
    options.max_reorg_depth = host.GetUint("max-reorg-depth", 0);
    options.log = [host](int level, const std::string& m) { host.Log(static_cast<bciin_log_level>(level), m); };
    ThrowIfError(chain::Chain::Open(kv, consensus, std::move(extensions), hook, genesis, options, &chain_));
    if (host.GetBool("verify-state", false)) {
      // Replays the main chain from genesis in memory; fails at the first block whose
      // recomputed state root differs from its header's.
      chain::Hash root;
      uint64_t blocks = 0;
      ThrowIfError(chain_->RecomputeStateRoot(&root, &blocks).WithContext("verify-state"));
      host.Info(fmt::format("state verified: {} blocks replayed from genesis, the recomputed state root {} "
                            "equals the header's at head #{}",
                            blocks, chain::ToHex(root), chain_->head().height));
    }
    if (uint64_t rate = host.GetUint("devnet-load", 0); rate > 0)
      ThrowIfError(cs::DevnetLoad::Create(chain_.get(), data_dir / "devnet", rate, &load_));

    produce_ = host.GetBool("produce", false);
    std::string beneficiary = host.GetString("beneficiary");
    if (!beneficiary.empty()) {
      ThrowIfError(chain::DecodeId(chain::kAccountPrefix, beneficiary, &beneficiary_).WithContext("option beneficiary"));
    } else if (produce_) {
      // Default: the first devnet account, else a key of this node kept in the data dir.
      chain::KeyPair key = chain::KeyPair::Generate();
      auto devnet_key = data_dir / "devnet" / "account-0.key";
      auto own_key = data_dir / "beneficiary.key";
      if (std::filesystem::exists(devnet_key)) {
        ThrowIfError(chain::KeyPair::Load(devnet_key.string(), &key));
      } else if (std::filesystem::exists(own_key)) {
        ThrowIfError(chain::KeyPair::Load(own_key.string(), &key));
      } else {
        ThrowIfError(key.Save(own_key.string()));
      }
      beneficiary_ = key.public_key();
    }

    index_ = std::make_unique<cs::TxIndex>(kv, chain_.get());
    if (Status s = index_->Update(); !s.ok()) host.Warn("tx index: " + s.ToString());
    table_ = std::make_unique<cs::ChainServiceTable>(
        chain_.get(), index_.get(),
        [this](chain::ByteView tx) { this->host().Publish(BCIIN_CHAIN_EVENT_TX, chain::AsString(tx)); },
        [this](chain::ByteView block, const chain::ImportResult& r) {
          if (r.new_head && !r.already_known) OnNewHead(block, r, "imported");
        });

    node_info_.header = {sizeof(bciin_node_info_service), BCIIN_NODE_INFO_SERVICE_ID,
                         BCIIN_NODE_INFO_SERVICE_VERSION, runtime};
    node_info_.plugins_json = [](void* instance, bciin_sink out) -> int32_t {
      std::string text = "[";
      for (const std::string& id : static_cast<bciin::host::PluginRuntime*>(instance)->LoadedIds())
        text += (text.size() > 1 ? "," : "") + fmt::format("{{\"id\":\"{}\"}}", id);
      text += "]";
      out.write(out.context, reinterpret_cast<const uint8_t*>(text.data()), text.size());
      return BCIIN_OK;
    };

    chain::Header head = chain_->head();
    host.Info(fmt::format("chain {} opened: genesis {}, head #{} {}", genesis.params.network_id,
                          chain::BlockId(chain_->genesis_hash()), head.height, chain::BlockId(chain_->head_hash())));
  }

  ~ChainComponent() override { Stop(); }

  void Start() override {
    if (load_) load_->Start();
    if (!produce_) return;
    producer_ = std::make_unique<chain::BlockProducer>(
        chain_.get(), beneficiary_, [this](const chain::Block& block, const chain::ImportResult& r) {
          OnNewHead(chain::Encode(block), r, "produced");
        });
    producer_->Start();
    host().Info(fmt::format("producing blocks, beneficiary {}", chain::AccountId(beneficiary_)));
  }

  void Stop() override {
    if (load_) load_->Stop();
    if (producer_) {
      producer_->Stop();
      producer_.reset();
    }
  }

  const bciin_service_header* Service(std::string_view id) override {
    if (id == BCIIN_CHAIN_SERVICE_ID) return table_->header();
    if (id == BCIIN_NODE_INFO_SERVICE_ID) return &node_info_.header;
    return nullptr;
  }

 private:
  void OnNewHead(chain::ByteView encoded, const chain::ImportResult& r, const char* how) {
    chain::Block block;
    if (!chain::DecodeCanonical(encoded, &block, "block").ok()) return;
    std::string reorg = r.reorg_depth ? fmt::format(", reorg of {} blocks", r.reorg_depth) : "";
    host().Info(fmt::format("{} block #{} {} txs={}{}", how, block.header.height, chain::BlockId(r.hash),
                            block.txs.size(), reorg));
    if (Status s = index_->Update(); !s.ok()) host().Warn("tx index: " + s.ToString());
    host().Publish(BCIIN_CHAIN_EVENT_BLOCK, chain::AsString(encoded));
  }

  std::unique_ptr<chain::Chain> chain_;
  std::unique_ptr<cs::TxIndex> index_;
  std::unique_ptr<cs::ChainServiceTable> table_;
  std::unique_ptr<chain::BlockProducer> producer_;
  std::unique_ptr<cs::DevnetLoad> load_;
  bciin_node_info_service node_info_{};
  bool produce_ = false;
  chain::PublicKey beneficiary_{};
};

}  // namespace

BCIIN_BUILTIN_PLUGIN(ChainComponent)
