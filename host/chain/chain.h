// bciin::chain::Chain, the chain engine: blocks, transactions, state, mempool, fork choice.
//
// The engine sees storage only through bciin.kv/1, consensus only through bciin.consensus/1,
// and transaction types only through bciin.ledger-extension/1 tables (its own accounts and
// spend included). Every block is committed with one atomic kv write (block, state nodes, meta,
// main-chain index, head), so a kill at any moment leaves the last committed block as head, with
// its state complete.
//
// Thread-safe: every public method may be called from any thread; one lock serialises state
// changes. Signature checks of an imported block run in parallel, before the lock.
#pragma once

#include "executor.h"
#include "genesis.h"
#include "mempool.h"
#include "state.h"

#include <bciin/chain/objects.h>
#include <bciin/sdk/consensus.hpp>
#include <bciin/sdk/kv.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bciin::chain {

struct ChainOptions {
  MempoolLimits mempool;
  size_t node_cache = 1 << 20;       // state tree nodes kept in memory
  unsigned verify_threads = 0;       // signature checks of a block; 0 = hardware threads
  bool sync_writes = false;          // fsync each block (the kv plugin may also force it)
  // The most blocks of the main chain a reorganisation may undo; a heavier branch that would
  // undo more is kept as side blocks, not followed. 0 = no limit.
  uint64_t max_reorg_depth = 0;
  std::function<uint64_t()> clock_ms;                    // default: the system clock
  std::function<void(int level, const std::string&)> log;  // bciin_log_level, message
};

struct ImportResult {
  Hash hash{};
  bool already_known = false;
  bool new_head = false;
  uint64_t reorg_depth = 0;  // blocks of the old main chain that left it
};

// What the engine keeps per block beside the block itself ("cM" + hash).
struct BlockMeta {
  Amount total_weight;  // sum of consensus weights from genesis
  StateRoots roots;     // state after the block
  std::vector<TxOutcome> outcomes;

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Amt(total_weight);
    io.Object(roots);
    io.List(outcomes, kMaxTxsPerBlock);
  }
};

class Chain {
 public:
  // Opens the chain stored in `kv`, writing the genesis block first when the store is empty.
  // Fails when the store holds another genesis or other state subtrees than the loaded
  // extensions give. `extensions` are the plugins' tables (the built-in accounts extension is
  // added here); `hook` may be null.
  static Status Open(sdk::KvStore kv, sdk::ConsensusClient consensus,
                     std::vector<const bciin_ledger_extension*> extensions,
                     const bciin_contract_hook* hook, const Genesis& genesis, ChainOptions options,
                     std::unique_ptr<Chain>* out);
  ~Chain();

  // ---- Transactions ----
  // Checks a transaction against the head state and adds it to the mempool. Rejections name
  // the reason ("bad signature", "nonce too low", "insufficient balance", ...).
  Status SubmitTransaction(ByteView signed_tx, Hash* tx_hash);
  Status SubmitTransaction(const SignedTx& stx, Hash* tx_hash);

  // ---- Blocks ----
  // An unsealed block on top of the head from the mempool, at `time_ms` (raised to parent + 1).
  Status BuildBlock(const PublicKey& beneficiary, uint64_t time_ms, Block* out);
  // The same from the given transactions, in order (invalid ones are left out; failing ones
  // stay, paying their fee). For tools and tests.
  Status BuildBlockFrom(const PublicKey& beneficiary, uint64_t time_ms, std::vector<SignedTx> txs,
                        Block* out);
  // Builds at the current time, seals through the consensus service and imports the result.
  Status ProduceBlock(const PublicKey& beneficiary, const std::function<bool()>& cancelled,
                      Block* out, ImportResult* result);
  // Validates and stores a block; follows it when its branch becomes the heaviest. Rejections
  // name the reason; nothing committed changes on a rejection.
  Status ImportBlock(ByteView block_bytes, ImportResult* result);
  Status ImportBlock(const Block& block, ImportResult* result);

  // ---- Reading ----
  Header head() const;
  Hash head_hash() const;
  Hash genesis_hash() const { return genesis_hash_; }
  const ChainParams& params() const { return executor_->params(); }
  // When the consensus service lets this node seal the next block (UINT64_MAX: never).
  uint64_t NextBlockTime(uint64_t now_ms) const;

  Status GetAccount(const PublicKey& key, std::optional<Account>* out) const;
  Status GetState(const std::string& subtree, ByteView key, std::optional<Bytes>* out) const;
  // A proof of `key` in `subtree` at block `block` (nullopt: the head), and that block's header.
  Status Prove(const std::string& subtree, ByteView key, const std::optional<Hash>& block,
               StateProof* proof, Header* header) const;
  Status GetBlock(const Hash& hash, Block* out) const;
  Status GetHeader(const Hash& hash, Header* out) const;
  Status GetMeta(const Hash& hash, BlockMeta* out) const;
  Status GetMainHash(uint64_t height, Hash* out) const;
  size_t mempool_size() const;
  // Up to `max` pending transactions (for the API), and whether one is pending.
  std::vector<SignedTx> PendingTransactions(size_t max) const;
  bool IsPending(const Hash& tx_hash) const;

  // Replays the main chain from genesis in memory, without the stored state, checking each
  // header's state root; returns the head's recomputed root.
  Status RecomputeStateRoot(Hash* root, uint64_t* blocks) const;

 private:
  Chain() = default;
  uint64_t Now() const;
  void Log(int level, const std::string& message) const;

  // A block executed on its parent's state: what its import commits. A block this node
  // assembled keeps the execution of its assembly, so importing it does not execute it again.
  struct Execution {
    BlockMeta meta;  // outcomes and roots (the weight is the import's)
    uint64_t gas_used = 0;
    std::vector<Hash> tx_hashes;
    std::vector<std::pair<Hash, Bytes>> nodes;  // new state tree nodes
    StateChanges changes;                       // the state entries it changed
  };

  Status LoadHead();
  Status BuildLocked(const PublicKey& beneficiary, uint64_t time_ms, std::vector<SignedTx> txs,
                     std::vector<Hash> hashes, std::vector<uint64_t> intrinsic, Block* out,
                     Execution* execution);
  Status BuildFromPool(const PublicKey& beneficiary, uint64_t time_ms, Block* out, Execution* execution);
  // Format and signature checks; `encoded` is the transaction's canonical encoding.
  Status Prepare(const SignedTx& stx, ByteView encoded, uint64_t* intrinsic) const;
  Status SubmitLocked(const SignedTx& stx, size_t size, Hash* hash);
  Status HeaderAt(const Header& tip, uint64_t height, Header* out) const;
  bool OnMainChain(const Header& h, const Hash& hash) const;
  sdk::AncestorFn Ancestors(const Header& tip, Header* scratch) const;
  // `ready(i, &intrinsic_gas)` gives transaction i's stateless check (and waits for it).
  // Fills `out` but its tx_hashes; with `keep` (assembly), invalid transactions are left out
  // and marked false instead of failing the block.
  Status Execute(const BlockMeta& parent_meta, const BlockEnv& env, const std::vector<SignedTx>& txs,
                 const std::vector<Hash>& hashes, const std::function<Status(size_t, uint64_t*)>& ready,
                 std::vector<bool>* keep, Execution* out) const;
  // `encoded` is the block's encoding. The stateless checks of the transactions run on
  // workers while the block executes in order.
  Status ImportEncoded(const Block& block, ByteView encoded, ImportResult* result);
  // With `executed`, the block's execution is already known (a block this node assembled);
  // otherwise `ready(i, &intrinsic_gas)` gives transaction i's stateless check, after which
  // (*hashes)[i] holds its hash.
  Status ImportLocked(const Block& block, ByteView encoded, const std::vector<Hash>& hashes,
                      const std::function<Status(size_t, uint64_t*)>& ready, Execution* executed,
                      ImportResult* result);
  Status ReorgMempool(const Hash& old_head, const Header& old_header, const Hash& ancestor,
                      const std::vector<Hash>& new_branch);
  void RefreshMempool();
  uint64_t AccountNonce(StateView& view, const PublicKey& key) const;

  sdk::KvStore kv_;
  sdk::ConsensusClient consensus_;
  ChainOptions options_;
  std::unique_ptr<AccountsExtension> accounts_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<StateDb> db_;
  std::unique_ptr<FlatState> flat_;  // the head state's entries read or written so far
  Hash genesis_hash_{};

  mutable std::mutex mu_;
  Header head_;
  Hash head_hash_{};
  BlockMeta head_meta_;
  std::unique_ptr<Mempool> mempool_;
};

// Storage keys (docs/formats.md, "storage layout").
std::string HeaderKey(const Hash& h);
std::string BlockKey(const Hash& h);
std::string MetaKey(const Hash& h);
std::string IndexKey(uint64_t height);
inline constexpr char kHeadKey[] = "cS:head";
inline constexpr char kGenesisKey[] = "cS:genesis";
inline constexpr char kSchemaKey[] = "cS:schema";
inline constexpr char kSchemaVersion[] = "1";

// Builds the genesis block and its state changes (the nodes to store).
Status BuildGenesis(const Executor& executor, const Genesis& genesis, NodeReader* reader,
                    Block* block, BlockMeta* meta, std::vector<std::pair<Hash, Bytes>>* nodes);

}  // namespace bciin::chain
