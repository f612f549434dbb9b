#include "chain.h"

#include "tx_checks.h"
#include "view_batch.h"

#include <bciin/chain/address.h>
#include <bciin/chain/consensus_view.h>
#include <bciin/chain/hash.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>

namespace bciin::chain {

namespace {

std::string PrefixedKey(std::string_view prefix, const Hash& h) {
  std::string k(prefix);
  k.append(reinterpret_cast<const char*>(h.data()), h.size());
  return k;
}

Hash ToHash(std::string_view s) {
  Hash h{};
  if (s.size() == h.size()) std::memcpy(h.data(), s.data(), h.size());
  return h;
}

// A view of bytes as a kv value (the batch copies it).
std::string_view AsStr(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Everything but the seal and the txs counts against the block size; leave room for them.
constexpr size_t kHeaderReserve = 1 + 4 + 8 + 32 + 8 + 32 * 5 + 8 + 4 + kMaxConsensusFields + 4 +
                                  kMaxSeal + 1 + 4;

}  // namespace

std::string HeaderKey(const Hash& h) { return PrefixedKey("cH", h); }
std::string BlockKey(const Hash& h) { return PrefixedKey("cB", h); }
std::string MetaKey(const Hash& h) { return PrefixedKey("cM", h); }
std::string IndexKey(uint64_t height) {
  Bytes b;
  AppendBigEndian64(b, height);
  return std::string("cI").append(AsStr(b));
}

Status BuildGenesis(const Executor& executor, const Genesis& genesis, NodeReader* reader,
                    Block* block, BlockMeta* meta, std::vector<std::pair<Hash, Bytes>>* nodes) {
  StateView view(reader, executor.EmptyRoots());
  BCIIN_RETURN_IF_ERROR(executor.ApplyGenesis(genesis, view));
  StateRoots roots;
  BCIIN_RETURN_IF_ERROR(view.Commit([&](const Hash& h, Bytes n) { nodes->emplace_back(h, std::move(n)); }, &roots));
  Block b;
  b.header.version = 1;
  b.header.height = 0;
  b.header.time_ms = genesis.params.genesis_time_ms;
  b.header.tx_root = kZeroHash;
  b.header.state_root = roots.Root();
  b.header.entropy = Blake2b256(Encode(genesis.params));  // commits the chain parameters
  *block = std::move(b);
  meta->total_weight = Amount();
  meta->roots = std::move(roots);
  meta->outcomes.clear();
  return Status();
}

// ---- Opening ---------------------------------------------------------------------------------

Status Chain::Open(sdk::KvStore kv, sdk::ConsensusClient consensus,
                   std::vector<const bciin_ledger_extension*> extensions,
                   const bciin_contract_hook* hook, const Genesis& genesis, ChainOptions options,
                   std::unique_ptr<Chain>* out) {
  InitCrypto();
  if (!kv.valid()) return Status::InvalidArgument("chain: no kv store");
  if (!consensus.valid()) return Status::InvalidArgument("chain: no consensus service");
  std::unique_ptr<Chain> c(new Chain());
  c->kv_ = kv;
  c->consensus_ = consensus;
  c->options_ = std::move(options);
  if (c->options_.verify_threads == 0) c->options_.verify_threads = std::max(1u, std::thread::hardware_concurrency());
  c->accounts_ = std::make_unique<AccountsExtension>();
  extensions.push_back(c->accounts_->table());
  BCIIN_RETURN_IF_ERROR(Executor::Create(genesis.params, extensions, hook, &c->executor_));
  c->db_ = std::make_unique<StateDb>(kv, c->options_.node_cache);
  c->flat_ = std::make_unique<FlatState>(std::max<size_t>(1024, c->options_.node_cache / 4));
  c->mempool_ = std::make_unique<Mempool>(c->options_.mempool);

  Block gblock;
  BlockMeta gmeta;
  std::vector<std::pair<Hash, Bytes>> nodes;
  BCIIN_RETURN_IF_ERROR(BuildGenesis(*c->executor_, genesis, c->db_.get(), &gblock, &gmeta, &nodes));
  c->genesis_hash_ = gblock.header.BlockHash();

  std::string stored;
  Status s = kv.Get(kGenesisKey, &stored);
  if (s.is(BCIIN_ERR_NOT_FOUND)) {
    sdk::KvBatch batch;
    for (auto& [h, n] : nodes) batch.Put(StateDb::NodeKey(h), AsStr(n));
    batch.Put(HeaderKey(c->genesis_hash_), AsStr(Encode(gblock.header)));
    batch.Put(BlockKey(c->genesis_hash_), AsStr(Encode(gblock)));
    batch.Put(MetaKey(c->genesis_hash_), AsStr(Encode(gmeta)));
    batch.Put(IndexKey(0), std::string(c->genesis_hash_.begin(), c->genesis_hash_.end()));
    batch.Put(kHeadKey, std::string(c->genesis_hash_.begin(), c->genesis_hash_.end()));
    batch.Put(kSchemaKey, kSchemaVersion);
    batch.Put(kGenesisKey, std::string(c->genesis_hash_.begin(), c->genesis_hash_.end()));
    BCIIN_RETURN_IF_ERROR(kv.Write(batch, true).WithContext("writing the genesis block"));
    c->Log(BCIIN_LOG_INFO, fmt::format("chain: new chain '{}', genesis {}", genesis.params.network_id,
                                       BlockId(c->genesis_hash_)));
  } else if (!s.ok()) {
    return s.WithContext("reading the chain's genesis");
  } else {
    if (ToHash(stored) != c->genesis_hash_)
      return Status::InvalidArgument("the store holds another chain: genesis " + BlockId(ToHash(stored)) +
                                     ", the genesis file and extensions give " + BlockId(c->genesis_hash_));
    std::string schema;
    BCIIN_RETURN_IF_ERROR(kv.Get(kSchemaKey, &schema).WithContext("reading the schema version"));
    if (schema != kSchemaVersion)
      return Status::Unsupported("chain store schema " + schema + ", this node reads " + kSchemaVersion);
  }
  BCIIN_RETURN_IF_ERROR(c->LoadHead());
  std::set<std::string> have, want;
  for (const auto& s2 : c->head_meta_.roots.subtrees) have.insert(s2.name);
  for (const auto& s2 : c->executor_->EmptyRoots().subtrees) want.insert(s2.name);
  if (have != want)
    return Status::InvalidArgument("the chain's state subtrees differ from the loaded ledger extensions");
  c->Log(BCIIN_LOG_INFO, fmt::format("chain: head {} at height {}", BlockId(c->head_hash_), c->head_.height));
  *out = std::move(c);
  return Status();
}

Chain::~Chain() = default;

Status Chain::LoadHead() {
  std::string head;
  BCIIN_RETURN_IF_ERROR(kv_.Get(kHeadKey, &head).WithContext("reading the head"));
  head_hash_ = ToHash(head);
  BCIIN_RETURN_IF_ERROR(GetHeader(head_hash_, &head_));
  BCIIN_RETURN_IF_ERROR(GetMeta(head_hash_, &head_meta_));
  flat_->Reset(head_.state_root);
  return Status();
}

uint64_t Chain::Now() const {
  if (options_.clock_ms) return options_.clock_ms();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

void Chain::Log(int level, const std::string& message) const {
  if (options_.log) options_.log(level, message);
}

// ---- Reading ----------------------------------------------------------------------------------

Header Chain::head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_;
}

Hash Chain::head_hash() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_hash_;
}

size_t Chain::mempool_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return mempool_->size();
}

std::vector<SignedTx> Chain::PendingTransactions(size_t max) const {
  std::lock_guard lock(mu_);
  std::vector<SignedTx> out;
  mempool_->ForEach([&](const PoolEntry& e) {
    if (out.size() >= max) return false;
    out.push_back(e.stx);
    return true;
  });
  return out;
}

bool Chain::IsPending(const Hash& tx_hash) const {
  std::lock_guard lock(mu_);
  return mempool_->Contains(tx_hash);
}

uint64_t Chain::NextBlockTime(uint64_t now_ms) const {
  Header h = head();
  Hash hash = h.BlockHash();
  bciin_consensus_header c = ConsensusView(h, hash, h.SealHash());
  return consensus_.NextBlockTime(c, now_ms);
}

Status Chain::GetHeader(const Hash& hash, Header* out) const {
  std::string raw;
  Status s = kv_.Get(HeaderKey(hash), &raw);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status::NotFound("no block " + BlockId(hash));
  BCIIN_RETURN_IF_ERROR(s);
  Status d = DecodeCanonical(AsView(raw), out, "stored header");
  return d.ok() ? d : Status::Corruption(d.message());
}

Status Chain::GetMeta(const Hash& hash, BlockMeta* out) const {
  std::string raw;
  Status s = kv_.Get(MetaKey(hash), &raw);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status::NotFound("no block " + BlockId(hash));
  BCIIN_RETURN_IF_ERROR(s);
  Status d = DecodeCanonical(AsView(raw), out, "stored block meta");
  return d.ok() ? d : Status::Corruption(d.message());
}

Status Chain::GetBlock(const Hash& hash, Block* out) const {
  std::string raw;
  Status s = kv_.Get(BlockKey(hash), &raw);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status::NotFound("no block " + BlockId(hash));
  BCIIN_RETURN_IF_ERROR(s);
  Status d = DecodeCanonical(AsView(raw), out, "stored block");
  return d.ok() ? d : Status::Corruption(d.message());
}

Status Chain::GetMainHash(uint64_t height, Hash* out) const {
  std::string raw;
  Status s = kv_.Get(IndexKey(height), &raw);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status::NotFound("no main-chain block at height " + std::to_string(height));
  BCIIN_RETURN_IF_ERROR(s);
  *out = ToHash(raw);
  return Status();
}

Status Chain::GetAccount(const PublicKey& key, std::optional<Account>* out) const {
  StateRoots roots;
  {
    std::lock_guard<std::mutex> lock(mu_);
    roots = head_meta_.roots;
  }
  StateView view(db_.get(), roots, flat_.get());
  return Executor::LoadAccount(view, key, out);
}

Status Chain::GetState(const std::string& subtree, ByteView key, std::optional<Bytes>* out) const {
  StateRoots roots;
  {
    std::lock_guard<std::mutex> lock(mu_);
    roots = head_meta_.roots;
  }
  StateView view(db_.get(), roots, flat_.get());
  return view.Get(subtree, key, out);
}

Status Chain::Prove(const std::string& subtree, ByteView key, const std::optional<Hash>& block,
                    StateProof* proof, Header* header) const {
  Hash hash;
  BlockMeta meta;
  if (block) {
    hash = *block;
    BCIIN_RETURN_IF_ERROR(GetMeta(hash, &meta));
    BCIIN_RETURN_IF_ERROR(GetHeader(hash, header));
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    meta = head_meta_;
    *header = head_;
  }
  const Hash* root = meta.roots.Find(subtree);
  if (root == nullptr) return Status::NotFound("no state subtree '" + subtree + "'");
  if (key.size() > kMaxStateKey) return Status::InvalidArgument("state key over 256 bytes");
  proof->subtree = subtree;
  proof->key.assign(key.begin(), key.end());
  proof->roots = meta.roots;
  return SparseMerkleTree::Prove(*db_, *root, Blake2b256(key), &proof->proof);
}

// ---- Transactions -----------------------------------------------------------------------------

Status Chain::Prepare(const SignedTx& stx, ByteView encoded, uint64_t* intrinsic) const {
  BCIIN_RETURN_IF_ERROR(executor_->CheckStateless(stx, encoded.size(), intrinsic));
  if (!executor_->CheckSignature(stx, encoded))
    return Status::Rejected("bad signature (or signed for another network than '" + params().network_id + "')");
  return Status();
}

Status Chain::SubmitTransaction(ByteView bytes, Hash* tx_hash) {
  if (bytes.size() > params().max_tx_bytes)
    return Status::InvalidArgument("oversized transaction: " + std::to_string(bytes.size()) +
                                   " bytes, the limit is " + std::to_string(params().max_tx_bytes));
  SignedTx stx;
  BCIIN_RETURN_IF_ERROR(DecodeCanonical(bytes, &stx, "transaction"));
  return SubmitTransaction(stx, tx_hash);
}

Status Chain::SubmitTransaction(const SignedTx& stx, Hash* tx_hash) {
  Bytes encoded = Encode(stx);
  uint64_t intrinsic = 0;
  BCIIN_RETURN_IF_ERROR(Prepare(stx, encoded, &intrinsic));
  std::lock_guard<std::mutex> lock(mu_);
  return SubmitLocked(stx, encoded.size(), tx_hash);
}

uint64_t Chain::AccountNonce(StateView& view, const PublicKey& key) const {
  std::optional<Account> a;
  if (!Executor::LoadAccount(view, key, &a).ok() || !a) return 0;
  return a->nonce;
}

// Stateful admission against the head (the caller has checked format and signature).
Status Chain::SubmitLocked(const SignedTx& stx, size_t size, Hash* tx_hash) {
  const Tx& tx = stx.tx;
  Hash hash = TxHash(stx);
  if (tx_hash) *tx_hash = hash;
  if (mempool_->Contains(hash)) return Status::AlreadyExists("transaction " + TxId(hash) + " is already pending");
  uint64_t intrinsic = 0;
  BCIIN_RETURN_IF_ERROR(executor_->CheckStateless(stx, size, &intrinsic));
  const uint64_t next_height = head_.height + 1;
  if (tx.ttl != 0 && tx.ttl < next_height)
    return Status::Rejected("expired: ttl " + std::to_string(tx.ttl) + " is below the next height " +
                            std::to_string(next_height));
  StateView view(db_.get(), head_meta_.roots, flat_.get());
  std::optional<Account> account;
  BCIIN_RETURN_IF_ERROR(Executor::LoadAccount(view, tx.sender, &account));
  const uint64_t nonce = account ? account->nonce : 0;
  if (tx.nonce == nonce + 1) {
    // The next transaction of its account: it must run now, on the head state.
    BlockEnv env{next_height, std::max(Now(), head_.time_ms + 1), PublicKey{}, Hash{}};
    TxOutcome outcome;
    Status s = executor_->ApplyTx(env, stx, hash, intrinsic, view, &outcome);
    if (!s.ok()) return s;
    if (!outcome.success) return Status::Rejected("the transaction would fail: " + outcome.error);
  } else if (tx.nonce > nonce + 1) {
    auto fee = Amount::Mul64(tx.gas, tx.gas_price);
    Amount balance = account ? account->balance : Amount();
    if (!fee || *fee > balance)
      return Status::Rejected("insufficient balance for the fee: holds " + balance.ToString());
  }
  return mempool_->Add(PoolEntry{stx, hash, size, intrinsic}, nonce);
}

// ---- Execution --------------------------------------------------------------------------------

Status Chain::Execute(const BlockMeta& parent_meta, const BlockEnv& env, const std::vector<SignedTx>& txs,
                      const std::vector<Hash>& hashes, const std::function<Status(size_t, uint64_t*)>& ready,
                      std::vector<bool>* keep, Execution* out) const {
  const bool strict = keep == nullptr;
  StateView view(db_.get(), parent_meta.roots, flat_.get());
  view.Reserve(2 * txs.size() + 8);  // a sender and a recipient per transaction, the producer
  BCIIN_RETURN_IF_ERROR(executor_->BeginBlock(env, view));
  std::vector<TxOutcome>& outcomes = out->meta.outcomes;
  outcomes.clear();
  if (keep) keep->assign(txs.size(), false);
  out->gas_used = 0;
  uint64_t gas_limits = 0;
  for (size_t i = 0; i < txs.size(); ++i) {
    if (txs[i].tx.gas > params().block_gas_limit - gas_limits) {
      if (strict) return Status::Rejected("the block's transactions exceed the block gas limit");
      continue;
    }
    uint64_t intrinsic = 0;
    Status s = ready(i, &intrinsic);
    if (!s.ok()) {
      if (strict) return s.WithContext("transaction " + std::to_string(i) + " (" + TxId(hashes[i]) + ")");
      continue;
    }
    TxOutcome outcome;
    s = executor_->ApplyTx(env, txs[i], hashes[i], intrinsic, view, &outcome);
    if (!s.ok()) {
      if (strict) return s.WithContext("transaction " + std::to_string(i) + " (" + TxId(hashes[i]) + ")");
      continue;
    }
    gas_limits += txs[i].tx.gas;
    out->gas_used += outcome.gas_used;
    outcomes.push_back(std::move(outcome));
    if (keep) (*keep)[i] = true;
  }
  BCIIN_RETURN_IF_ERROR(executor_->EndBlock(env, view));
  out->nodes.clear();
  BCIIN_RETURN_IF_ERROR(view.Commit([&](const Hash& h, Bytes n) { out->nodes.emplace_back(h, std::move(n)); },
                                    &out->meta.roots));
  out->changes = view.TakeChanges();
  return Status();
}

// ---- Ancestors for the consensus service ------------------------------------------------------

bool Chain::OnMainChain(const Header& h, const Hash& hash) const {
  Hash main;
  return GetMainHash(h.height, &main).ok() && main == hash;
}

Status Chain::HeaderAt(const Header& tip, uint64_t height, Header* out) const {
  if (height > tip.height) return Status::NotFound("no ancestor above the tip");
  Header at = tip;
  while (at.height > height) {
    Hash hash = at.BlockHash();
    if (OnMainChain(at, hash)) {
      Hash main;
      BCIIN_RETURN_IF_ERROR(GetMainHash(height, &main));
      return GetHeader(main, out);
    }
    Header prev;
    BCIIN_RETURN_IF_ERROR(GetHeader(at.prev_hash, &prev));
    at = std::move(prev);
  }
  *out = std::move(at);
  return Status();
}

sdk::AncestorFn Chain::Ancestors(const Header& tip, Header* scratch) const {
  return [this, &tip, scratch](uint64_t height, bciin_consensus_header* out) -> Status {
    BCIIN_RETURN_IF_ERROR(HeaderAt(tip, height, scratch));
    static thread_local Hash hash, seal_hash;
    hash = scratch->BlockHash();
    seal_hash = scratch->SealHash();
    *out = ConsensusView(*scratch, hash, seal_hash);
    return Status();
  };
}

// ---- Building and producing -------------------------------------------------------------------

Status Chain::BuildBlock(const PublicKey& beneficiary, uint64_t time_ms, Block* out) {
  return BuildFromPool(beneficiary, time_ms, out, nullptr);
}

Status Chain::BuildFromPool(const PublicKey& beneficiary, uint64_t time_ms, Block* out, Execution* execution) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t height = head_.height + 1;
  StateView nonces(db_.get(), head_meta_.roots, flat_.get());
  std::map<PublicKey, uint64_t> memo;
  auto nonce_of = [&](const PublicKey& k) {
    auto it = memo.find(k);
    if (it != memo.end()) return it->second;
    return memo[k] = AccountNonce(nonces, k);
  };
  const size_t byte_budget = params().max_block_bytes > kHeaderReserve ? params().max_block_bytes - kHeaderReserve : 0;
  auto picked = mempool_->Select(nonce_of, height, params().block_gas_limit, byte_budget);
  std::vector<SignedTx> txs;
  std::vector<Hash> hashes;
  std::vector<uint64_t> intrinsic;
  for (const PoolEntry* e : picked) {
    txs.push_back(e->stx);
    hashes.push_back(e->hash);
    intrinsic.push_back(e->intrinsic_gas);
  }
  return BuildLocked(beneficiary, time_ms, std::move(txs), std::move(hashes), std::move(intrinsic), out,
                     execution);
}

Status Chain::BuildBlockFrom(const PublicKey& beneficiary, uint64_t time_ms, std::vector<SignedTx> txs,
                             Block* out) {
  std::vector<Hash> hashes;
  std::vector<uint64_t> intrinsic;
  std::vector<SignedTx> ok;
  for (SignedTx& stx : txs) {
    Bytes enc = Encode(stx);
    uint64_t gas = 0;
    if (!Prepare(stx, enc, &gas).ok()) continue;
    hashes.push_back(Blake2b256(enc));
    intrinsic.push_back(gas);
    ok.push_back(std::move(stx));
  }
  std::lock_guard<std::mutex> lock(mu_);
  return BuildLocked(beneficiary, time_ms, std::move(ok), std::move(hashes), std::move(intrinsic), out, nullptr);
}

Status Chain::BuildLocked(const PublicKey& beneficiary, uint64_t time_ms, std::vector<SignedTx> txs,
                          std::vector<Hash> hashes, std::vector<uint64_t> intrinsic, Block* out,
                          Execution* execution) {
  const Header parent = head_;
  const Hash parent_hash = head_hash_;
  BlockEnv env{parent.height + 1, std::max(time_ms, parent.time_ms + 1), beneficiary, NextEntropy(parent)};
  std::vector<bool> keep;
  Execution local;
  Execution& ex = execution ? *execution : local;
  auto ready = [&](size_t i, uint64_t* gas) {
    *gas = intrinsic[i];
    return Status();
  };
  BCIIN_RETURN_IF_ERROR(Execute(head_meta_, env, txs, hashes, ready, &keep, &ex));
  const uint64_t gas_used = ex.gas_used;
  const StateRoots& roots = ex.meta.roots;
  Block b;
  std::vector<Hash> kept;
  for (size_t i = 0; i < txs.size(); ++i) {
    if (keep[i]) {
      b.txs.push_back(txs[i]);
      kept.push_back(hashes[i]);
    } else {
      Log(BCIIN_LOG_DEBUG, "chain: dropping invalid pending transaction " + TxId(hashes[i]));
      mempool_->Remove(hashes[i]);
    }
  }
  Header& h = b.header;
  h.version = 1;
  h.height = env.height;
  h.prev_hash = parent_hash;
  h.time_ms = env.time_ms;
  h.tx_root = TxRoot(kept);
  ex.tx_hashes = std::move(kept);
  h.state_root = roots.Root();
  h.entropy = env.entropy;
  h.beneficiary = beneficiary;
  h.gas_used = gas_used;
  Header scratch;
  bciin_consensus_header pc = ConsensusView(parent, parent_hash, parent.SealHash());
  std::string fields;
  BCIIN_RETURN_IF_ERROR(consensus_.NextFields(pc, h.time_ms, Ancestors(parent, &scratch), &fields)
                            .WithContext("consensus fields"));
  if (fields.size() > kMaxConsensusFields) return Status::Internal("consensus fields over the limit");
  h.consensus.assign(fields.begin(), fields.end());
  *out = std::move(b);
  return Status();
}

Status Chain::ProduceBlock(const PublicKey& beneficiary, const std::function<bool()>& cancelled,
                           Block* out, ImportResult* result) {
  Block b;
  Execution execution;  // imported below without executing the block a second time
  BCIIN_RETURN_IF_ERROR(BuildFromPool(beneficiary, Now(), &b, &execution));
  Hash seal_hash = b.header.SealHash();
  bciin_consensus_header c = ConsensusView(b.header, kZeroHash, seal_hash);
  std::string seal;
  BCIIN_RETURN_IF_ERROR(consensus_.ProduceSeal(c, cancelled, &seal).WithContext("sealing"));
  if (seal.size() > kMaxSeal) return Status::Internal("seal over the limit");
  b.header.seal.assign(seal.begin(), seal.end());
  const Bytes encoded = Encode(b);
  Status s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = ImportLocked(b, encoded, execution.tx_hashes, nullptr, &execution, result);
  }
  BCIIN_RETURN_IF_ERROR(s.WithContext("importing the produced block"));
  if (out) *out = std::move(b);
  return Status();
}

// ---- Importing --------------------------------------------------------------------------------

Status Chain::ImportBlock(ByteView bytes, ImportResult* result) {
  if (bytes.size() > params().max_block_bytes)
    return Status::InvalidArgument("block over the size limit: " + std::to_string(bytes.size()) +
                                   " bytes, the limit is " + std::to_string(params().max_block_bytes));
  // The canonical check without encoding the whole block again: the header here, each
  // transaction by the worker that encodes it anyway (ImportEncoded).
  Block block;
  BCIIN_RETURN_IF_ERROR(DecodeTrusted(bytes, &block, "block"));
  const Bytes header = Encode(block.header);
  if (bytes.size() < 1 + header.size() || !std::equal(header.begin(), header.end(), bytes.begin() + 1))
    return Status::InvalidArgument("block: non-canonical encoding of the header");
  return ImportEncoded(block, bytes, result);
}

Status Chain::ImportBlock(const Block& block, ImportResult* result) {
  const Bytes encoded = Encode(block);
  return ImportEncoded(block, encoded, result);
}

Status Chain::ImportEncoded(const Block& block, ByteView encoded, ImportResult* result) {
  // Each transaction's encoding, hash, format and signature are checked by workers while the
  // transactions execute in order; the transaction root is checked once all are hashed.
  // Where each transaction's bytes lie in `encoded`: after the version, header and count.
  const size_t n = block.txs.size();
  std::vector<size_t> offsets(n + 1);
  offsets[0] = 1 + Encode(block.header).size() + 4;
  for (size_t i = 0; i < n; ++i) offsets[i + 1] = offsets[i] + EncodedSize(block.txs[i]);
  if (offsets[n] != encoded.size()) return Status::Internal("block: the encoding does not match the block");
  std::vector<Hash> hashes(n);
  ParallelTxChecks checks(
      n,
      [&](size_t i, uint64_t* gas) {
        Encoder encoder;
        encoder.Reserve(offsets[i + 1] - offsets[i]);
        encoder.Object(block.txs[i]);
        const Bytes& enc = encoder.bytes();
        if (enc.size() != offsets[i + 1] - offsets[i] ||
            !std::equal(enc.begin(), enc.end(), encoded.begin() + static_cast<ptrdiff_t>(offsets[i])))
          return Status::InvalidArgument("block: non-canonical encoding of a transaction");
        hashes[i] = Blake2b256(enc);
        return Prepare(block.txs[i], enc, gas);
      },
      options_.verify_threads > 1 ? options_.verify_threads - 1 : 0);
  auto ready = [&](size_t i, uint64_t* gas) { return checks.Wait(i, gas); };
  std::lock_guard<std::mutex> lock(mu_);
  return ImportLocked(block, encoded, hashes, ready, nullptr, result);
}

Status Chain::ImportLocked(const Block& block, ByteView encoded, const std::vector<Hash>& hashes,
                           const std::function<Status(size_t, uint64_t*)>& ready, Execution* executed,
                           ImportResult* result) {
  ImportResult unused;
  if (!result) result = &unused;
  *result = ImportResult{};
  if (encoded.size() > params().max_block_bytes)
    return Status::InvalidArgument("block over the size limit: " + std::to_string(encoded.size()) +
                                   " bytes, the limit is " + std::to_string(params().max_block_bytes));
  const Header& h = block.header;
  const Hash hash = h.BlockHash();
  result->hash = hash;
  std::string ignored;
  if (kv_.Get(MetaKey(hash), &ignored).ok()) {
    result->already_known = true;
    return Status::AlreadyExists("block " + BlockId(hash) + " is already known");
  }
  if (h.version != 1) return Status::Unsupported("block version " + std::to_string(h.version));
  Header parent;
  Status s = GetHeader(h.prev_hash, &parent);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status::NotFound("wrong previous hash: unknown parent " + BlockId(h.prev_hash));
  BCIIN_RETURN_IF_ERROR(s);
  BlockMeta parent_meta;
  BCIIN_RETURN_IF_ERROR(GetMeta(h.prev_hash, &parent_meta));
  if (h.height != parent.height + 1)
    return Status::Rejected("wrong height " + std::to_string(h.height) + " on a parent at " + std::to_string(parent.height));
  if (h.time_ms <= parent.time_ms)
    return Status::Rejected("wrong time: " + std::to_string(h.time_ms) + " is not after the parent's " +
                            std::to_string(parent.time_ms));
  const uint64_t now = Now();
  if (h.time_ms > now + params().max_future_ms)
    return Status::Rejected("wrong time: " + std::to_string(h.time_ms - now) + " ms in the future");
  if (h.entropy != NextEntropy(parent)) return Status::Rejected("wrong entropy");

  // Consensus: fields and seal.
  Header scratch;
  const Hash parent_hash = h.prev_hash;
  bciin_consensus_header pc = ConsensusView(parent, parent_hash, parent.SealHash());
  bciin_consensus_header hc = ConsensusView(h, hash, h.SealHash());
  BCIIN_RETURN_IF_ERROR(consensus_.CheckSeal(hc, pc, Ancestors(parent, &scratch)).WithContext("consensus"));
  uint64_t weight = 0;
  BCIIN_RETURN_IF_ERROR(consensus_.Weight(hc, &weight).WithContext("consensus weight"));

  // Execute on the parent's state (unless this node assembled the block on that state).
  Execution local;
  Execution& ex = executed ? *executed : local;
  if (!executed) {
    BlockEnv env{h.height, h.time_ms, h.beneficiary, h.entropy};
    BCIIN_RETURN_IF_ERROR(Execute(parent_meta, env, block.txs, hashes, ready, nullptr, &ex));
  }
  if (TxRoot(hashes) != h.tx_root) return Status::Rejected("wrong transaction root");
  std::vector<Hash> sorted = hashes;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return Status::Rejected("a transaction appears twice in the block");
  BlockMeta& meta = ex.meta;
  const uint64_t gas_used = ex.gas_used;
  std::vector<std::pair<Hash, Bytes>>& nodes = ex.nodes;
  if (meta.roots.Root() != h.state_root) return Status::Rejected("wrong state root");
  if (gas_used != h.gas_used) return Status::Rejected("wrong gas used");
  auto total = parent_meta.total_weight.Add(Amount(weight));
  if (!total) return Status::Rejected("total weight overflows");
  meta.total_weight = *total;

  // One atomic write: nodes, block, meta and, when the branch wins, the index and the head.
  // The nodes and the block's encoding go to the kv service as views (no copy into the batch).
  ViewBatch batch;
  batch.Reserve(nodes.size() + 8);
  constexpr size_t kNodeKeySize = kNodePrefix.size() + sizeof(Hash);
  std::string node_keys(nodes.size() * kNodeKeySize, '\0');
  for (size_t i = 0; i < nodes.size(); ++i) {
    char* key = node_keys.data() + i * kNodeKeySize;
    std::memcpy(key, kNodePrefix.data(), kNodePrefix.size());
    std::memcpy(key + kNodePrefix.size(), nodes[i].first.data(), sizeof(Hash));
    batch.PutView(std::string_view(key, kNodeKeySize), AsStr(nodes[i].second));
  }
  batch.Put(HeaderKey(hash), std::string(AsStr(Encode(h))));
  const std::string block_key = BlockKey(hash);
  batch.PutView(block_key, AsStr(encoded));
  batch.Put(MetaKey(hash), std::string(AsStr(Encode(meta))));
  bool wins = meta.total_weight > head_meta_.total_weight;
  std::vector<Hash> new_branch;  // from the fork point up, this block last
  Hash ancestor = head_hash_;
  if (wins) {
    // The new branch, from the block back to the first block on the main chain (the fork
    // point; the head itself when the block extends it).
    new_branch.push_back(hash);
    Header at = parent;
    Hash at_hash = h.prev_hash;
    while (!OnMainChain(at, at_hash)) {
      new_branch.push_back(at_hash);
      at_hash = at.prev_hash;
      BCIIN_RETURN_IF_ERROR(GetHeader(at_hash, &at));
    }
    ancestor = at_hash;
    std::reverse(new_branch.begin(), new_branch.end());
    const uint64_t depth = head_.height - at.height;
    if (options_.max_reorg_depth != 0 && depth > options_.max_reorg_depth) {
      // Heavier, but following it would undo more blocks than allowed: kept as a side block.
      Log(BCIIN_LOG_WARN, fmt::format("chain: not following block {} at {}: a reorganisation of {} blocks, "
                                      "the limit (max-reorg-depth) is {}",
                                      BlockId(hash), h.height, depth, options_.max_reorg_depth));
      wins = false;
      new_branch.clear();
      ancestor = head_hash_;
    } else {
      result->reorg_depth = depth;
    }
  }
  if (wins) {
    for (uint64_t ht = h.height + 1; ht <= head_.height; ++ht) batch.Delete(IndexKey(ht));
    uint64_t ht = h.height - new_branch.size() + 1;
    for (const Hash& bh2 : new_branch) batch.Put(IndexKey(ht++), std::string(bh2.begin(), bh2.end()));
    batch.Put(kHeadKey, std::string(hash.begin(), hash.end()));
  }
  BCIIN_RETURN_IF_ERROR(batch.Write(kv_, options_.sync_writes).WithContext("committing block " + BlockId(hash)));
  // Cached as views into one shared copy of the block's nodes (no allocation per node).
  auto kept = std::make_shared<std::vector<std::pair<Hash, Bytes>>>(std::move(nodes));
  for (const auto& [nh, node] : *kept) db_->Remember(nh, NodeRef(kept, &node));
  if (wins) flat_->Advance(parent.state_root, h.state_root, ex.changes);

  if (wins) {
    const Hash old_head = head_hash_;
    const Header old_header = head_;
    head_ = h;
    head_hash_ = hash;
    head_meta_ = std::move(meta);
    result->new_head = true;
    if (result->reorg_depth > 0) {
      Log(BCIIN_LOG_INFO, fmt::format("chain: reorganisation, {} blocks left the main chain, head {} at {}",
                                      result->reorg_depth, BlockId(hash), h.height));
      ReorgMempool(old_head, old_header, ancestor, new_branch);
    } else {
      for (const Hash& th : hashes) mempool_->Remove(th);
    }
    RefreshMempool();
  }
  return Status();
}

void Chain::RefreshMempool() {
  StateView view(db_.get(), head_meta_.roots, flat_.get());
  std::map<PublicKey, uint64_t> memo;
  mempool_->Prune(
      [&](const PublicKey& k) {
        auto it = memo.find(k);
        if (it != memo.end()) return it->second;
        return memo[k] = AccountNonce(view, k);
      },
      head_.height + 1);
}

Status Chain::ReorgMempool(const Hash& old_head, const Header& /*old_header*/, const Hash& ancestor,
                           const std::vector<Hash>& new_branch) {
  // Transactions of the new branch are done; those of the old branch come back if still valid.
  for (const Hash& bh : new_branch) {
    Block b;
    if (!GetBlock(bh, &b).ok()) continue;
    for (const SignedTx& stx : b.txs) mempool_->Remove(TxHash(stx));
  }
  std::vector<Block> old_blocks;
  Hash at = old_head;
  while (at != ancestor) {
    Block b;
    if (!GetBlock(at, &b).ok()) break;
    at = b.header.prev_hash;
    old_blocks.push_back(std::move(b));
  }
  std::reverse(old_blocks.begin(), old_blocks.end());
  for (const Block& b : old_blocks)
    for (const SignedTx& stx : b.txs) {
      Hash ignored;
      (void)SubmitLocked(stx, Encode(stx).size(), &ignored);
    }
  return Status();
}

// ---- Recomputing from scratch -----------------------------------------------------------------

Status Chain::RecomputeStateRoot(Hash* root, uint64_t* blocks) const {
  Hash head;
  {
    std::lock_guard<std::mutex> lock(mu_);
    head = head_hash_;
  }
  Header head_header;
  BCIIN_RETURN_IF_ERROR(GetHeader(head, &head_header));
  MemoryNodeStore memory;
  StateView gview(&memory, executor_->EmptyRoots());
  // Genesis from the allocation stored in the genesis block's state: replaying needs the
  // genesis file, which the chain no longer has; the genesis state itself is checked against
  // its header by rebuilding the tree from its entries.
  Hash gh;
  BCIIN_RETURN_IF_ERROR(GetMainHash(0, &gh));
  BlockMeta gmeta;
  BCIIN_RETURN_IF_ERROR(GetMeta(gh, &gmeta));
  Header gheader;
  BCIIN_RETURN_IF_ERROR(GetHeader(gh, &gheader));
  for (const SubtreeRoot& s : gmeta.roots.subtrees) {
    Status st = SparseMerkleTree::ForEach(*db_, s.root, [&](ByteView key, ByteView value) {
      gview.Put(s.name, key, value);
    });
    BCIIN_RETURN_IF_ERROR(st);
  }
  StateRoots roots;
  BCIIN_RETURN_IF_ERROR(gview.Commit(memory.Writer(), &roots));
  if (roots.Root() != gheader.state_root) return Status::Corruption("genesis state does not match its header");
  uint64_t count = 0;
  for (uint64_t height = 1; height <= head_header.height; ++height) {
    Hash bh;
    BCIIN_RETURN_IF_ERROR(GetMainHash(height, &bh));
    Block b;
    BCIIN_RETURN_IF_ERROR(GetBlock(bh, &b));
    StateView view(&memory, roots);
    BlockEnv env{b.header.height, b.header.time_ms, b.header.beneficiary, b.header.entropy};
    BCIIN_RETURN_IF_ERROR(executor_->BeginBlock(env, view));
    for (const SignedTx& stx : b.txs) {
      Bytes enc = Encode(stx);
      uint64_t intrinsic = 0;
      BCIIN_RETURN_IF_ERROR(executor_->CheckStateless(stx, enc.size(), &intrinsic));
      TxOutcome outcome;
      BCIIN_RETURN_IF_ERROR(executor_->ApplyTx(env, stx, Blake2b256(enc), intrinsic, view, &outcome));
    }
    BCIIN_RETURN_IF_ERROR(executor_->EndBlock(env, view));
    BCIIN_RETURN_IF_ERROR(view.Commit(memory.Writer(), &roots));
    if (roots.Root() != b.header.state_root)
      return Status::Corruption("recomputed state root differs from the header at height " + std::to_string(height));
    ++count;
  }
  *root = roots.Root();
  if (blocks) *blocks = count;
  return Status();
}

}  // namespace bciin::chain
