#include "service_table.h"

#include <bciin/chain/codec.h>

#include <cstring>
#include <exception>

namespace bciin::chain_service {

namespace {

using chain::Bytes;
using chain::ByteView;
using chain::Hash;

Hash ToHash(const uint8_t* p) {
  Hash h;
  std::memcpy(h.data(), p, h.size());
  return h;
}

void Write(bciin_sink sink, const Bytes& bytes) {
  if (sink.write) sink.write(sink.context, bytes.data(), bytes.size());
}

// Runs `fn` (returning Status), turning exceptions into errors.
template <typename Fn>
int32_t Guard(bciin_error* error, Fn&& fn) noexcept {
  Status s;
  try {
    s = fn();
  } catch (const std::exception& e) {
    s = Status::Internal(std::string("chain service: ") + e.what());
  } catch (...) {
    s = Status::Internal("chain service: a non-standard exception");
  }
  if (s.ok()) return BCIIN_OK;
  bciin_error scratch{};
  return s.ToError(error ? error : &scratch);
}

}  // namespace

ChainServiceTable::ChainServiceTable(chain::Chain* chain, TxIndex* index,
                                     std::function<void(ByteView)> on_tx,
                                     std::function<void(ByteView, const chain::ImportResult&)> on_import)
    : chain_(chain), index_(index), on_tx_(std::move(on_tx)), on_import_(std::move(on_import)) {
  std::memset(&table_, 0, sizeof table_);
  table_.header = {sizeof(bciin_chain_service), BCIIN_CHAIN_SERVICE_ID, BCIIN_CHAIN_SERVICE_VERSION, this};
  table_.submit_tx = &SubmitTx;
  table_.import_block = &ImportBlock;
  table_.head = &Head;
  table_.genesis = &Genesis;
  table_.get_header = &GetHeader;
  table_.get_block = &GetBlock;
  table_.get_main_hash = &GetMainHash;
  table_.get_weight = &GetWeight;
  table_.get_account = &GetAccount;
  table_.get_state = &GetState;
  table_.prove = &Prove;
  table_.mempool_size = &MempoolSize;
  table_.mempool_txs = &MempoolTxs;
  table_.tx_status = &TxStatus;
}

int32_t ChainServiceTable::SubmitTx(void* instance, bciin_span tx, uint8_t tx_hash[32], bciin_error* error) {
  return Guard(error, [&] {
    Hash h{};
    ByteView bytes = chain::AsView(tx);
    Status s = Self(instance)->chain_->SubmitTransaction(bytes, &h);
    if (tx_hash) std::memcpy(tx_hash, h.data(), 32);
    if (s.ok() && Self(instance)->on_tx_) Self(instance)->on_tx_(bytes);
    return s;
  });
}

int32_t ChainServiceTable::ImportBlock(void* instance, bciin_span block, bciin_chain_import_result* result,
                                       bciin_error* error) {
  return Guard(error, [&] {
    chain::ImportResult r;
    ByteView bytes = chain::AsView(block);
    Status s = Self(instance)->chain_->ImportBlock(bytes, &r);
    if (s.is(BCIIN_ERR_ALREADY_EXISTS)) {  // the engine's word for a block it has: not an error here
      r.already_known = true;
      r.new_head = false;
      s = Status();
    }
    if (!s.ok()) return s;
    if (result && result->size >= sizeof(bciin_chain_import_result)) {
      std::memcpy(result->hash, r.hash.data(), 32);
      result->already_known = r.already_known;
      result->new_head = r.new_head;
      result->reorg_depth = r.reorg_depth;
    }
    if (Self(instance)->on_import_) Self(instance)->on_import_(bytes, r);
    return Status();
  });
}

int32_t ChainServiceTable::Head(void* instance, bciin_chain_head* out) {
  return Guard(nullptr, [&] {
    if (!out || out->size < sizeof(bciin_chain_head)) return Status::InvalidArgument("head: bad output struct");
    chain::Chain* c = Self(instance)->chain_;
    // head() and head_hash() are read under separate locks; retry until they agree.
    for (;;) {
      chain::Header h = c->head();
      Hash hash = h.BlockHash();
      chain::BlockMeta meta;
      if (Status s = c->GetMeta(hash, &meta); !s.ok()) return s;
      if (c->head_hash() != hash) continue;
      out->height = h.height;
      std::memcpy(out->hash, hash.data(), 32);
      out->weight_lo = meta.total_weight.lo();
      out->weight_hi = meta.total_weight.hi();
      out->time_ms = h.time_ms;
      return Status();
    }
  });
}

int32_t ChainServiceTable::Genesis(void* instance, uint8_t hash[32], bciin_sink network_id) {
  return Guard(nullptr, [&] {
    chain::Chain* c = Self(instance)->chain_;
    Hash g = c->genesis_hash();
    std::memcpy(hash, g.data(), 32);
    const std::string& id = c->params().network_id;
    if (network_id.write)
      network_id.write(network_id.context, reinterpret_cast<const uint8_t*>(id.data()), id.size());
    return Status();
  });
}

int32_t ChainServiceTable::GetHeader(void* instance, const uint8_t hash[32], bciin_sink out, bciin_error* error) {
  return Guard(error, [&] {
    chain::Header h;
    Status s = Self(instance)->chain_->GetHeader(ToHash(hash), &h);
    if (s.ok()) Write(out, chain::Encode(h));
    return s;
  });
}

int32_t ChainServiceTable::GetBlock(void* instance, const uint8_t hash[32], bciin_sink out, bciin_error* error) {
  return Guard(error, [&] {
    chain::Block b;
    Status s = Self(instance)->chain_->GetBlock(ToHash(hash), &b);
    if (s.ok()) Write(out, chain::Encode(b));
    return s;
  });
}

int32_t ChainServiceTable::GetMainHash(void* instance, uint64_t height, uint8_t hash[32], bciin_error* error) {
  return Guard(error, [&] {
    Hash h{};
    Status s = Self(instance)->chain_->GetMainHash(height, &h);
    if (s.ok()) std::memcpy(hash, h.data(), 32);
    return s;
  });
}

int32_t ChainServiceTable::GetWeight(void* instance, const uint8_t hash[32], uint64_t* lo, uint64_t* hi,
                                     bciin_error* error) {
  return Guard(error, [&] {
    chain::BlockMeta meta;
    Status s = Self(instance)->chain_->GetMeta(ToHash(hash), &meta);
    if (s.ok()) {
      *lo = meta.total_weight.lo();
      *hi = meta.total_weight.hi();
    }
    return s;
  });
}

int32_t ChainServiceTable::GetAccount(void* instance, const uint8_t key[32], bciin_sink out, bciin_error* error) {
  return Guard(error, [&] {
    std::optional<chain::Account> account;
    Status s = Self(instance)->chain_->GetAccount(ToHash(key), &account);
    if (!s.ok()) return s;
    if (!account) return Status::NotFound("no such account");
    Write(out, chain::Encode(*account));
    return Status();
  });
}

int32_t ChainServiceTable::GetState(void* instance, const char* subtree, bciin_span key, bciin_sink out,
                                    bciin_error* error) {
  return Guard(error, [&] {
    if (!subtree) return Status::InvalidArgument("no subtree");
    std::optional<Bytes> value;
    Status s = Self(instance)->chain_->GetState(subtree, chain::AsView(key), &value);
    if (!s.ok()) return s;
    if (!value) return Status::NotFound("no such state entry");
    Write(out, *value);
    return Status();
  });
}

int32_t ChainServiceTable::Prove(void* instance, const char* subtree, bciin_span key, const uint8_t* block_hash,
                                 bciin_sink proof, bciin_sink header, bciin_error* error) {
  return Guard(error, [&] {
    if (!subtree) return Status::InvalidArgument("no subtree");
    std::optional<Hash> at;
    if (block_hash) at = ToHash(block_hash);
    chain::StateProof p;
    chain::Header h;
    Status s = Self(instance)->chain_->Prove(subtree, chain::AsView(key), at, &p, &h);
    if (!s.ok()) return s;
    Write(proof, chain::Encode(p));
    Write(header, chain::Encode(h));
    return Status();
  });
}

uint64_t ChainServiceTable::MempoolSize(void* instance) {
  try {
    return Self(instance)->chain_->mempool_size();
  } catch (...) {
    return 0;
  }
}

namespace {
// A list<SignedTx> in the canonical encoding.
struct TxList {
  std::vector<chain::SignedTx> txs;
  template <class Io>
  void Serialize(Io& io) {
    io.List(txs, chain::kMaxTxsPerBlock);
  }
};
}  // namespace

int32_t ChainServiceTable::MempoolTxs(void* instance, uint32_t max, bciin_sink out, bciin_error* error) {
  return Guard(error, [&] {
    TxList list{Self(instance)->chain_->PendingTransactions(std::min<size_t>(max, chain::kMaxTxsPerBlock))};
    Write(out, chain::Encode(list));
    return Status();
  });
}

int32_t ChainServiceTable::TxStatus(void* instance, const uint8_t tx_hash[32], bciin_chain_tx_status* out,
                                    bciin_sink tx, bciin_error* error) {
  return Guard(error, [&] {
    if (!out || out->size < sizeof(bciin_chain_tx_status)) return Status::InvalidArgument("tx_status: bad output struct");
    ChainServiceTable* self = Self(instance);
    Hash h = ToHash(tx_hash);
    out->state = BCIIN_CHAIN_TX_UNKNOWN;
    std::optional<TxLocation> loc;
    if (Status s = self->index_->Update(); !s.ok()) return s;
    if (Status s = self->index_->Lookup(h, &loc); !s.ok()) return s;
    if (loc) {
      chain::Block block;
      if (Status s = self->chain_->GetBlock(loc->block, &block); !s.ok()) return s;
      chain::BlockMeta meta;
      if (Status s = self->chain_->GetMeta(loc->block, &meta); !s.ok()) return s;
      if (loc->index >= block.txs.size()) return Status::Corruption("tx index points past its block");
      out->state = BCIIN_CHAIN_TX_INCLUDED;
      std::memcpy(out->block_hash, loc->block.data(), 32);
      out->block_height = loc->height;
      out->index = loc->index;
      if (loc->index < meta.outcomes.size()) {
        out->success = meta.outcomes[loc->index].success;
        out->gas_used = meta.outcomes[loc->index].gas_used;
      }
      uint64_t head = self->chain_->head().height;
      out->confirmations = head >= loc->height ? head - loc->height + 1 : 0;
      Write(tx, chain::Encode(block.txs[loc->index]));
      return Status();
    }
    if (!self->chain_->IsPending(h)) return Status();
    for (const chain::SignedTx& stx : self->chain_->PendingTransactions(SIZE_MAX)) {
      if (chain::TxHash(stx) == h) {
        out->state = BCIIN_CHAIN_TX_PENDING;
        Write(tx, chain::Encode(stx));
        break;
      }
    }
    return Status();
  });
}

}  // namespace bciin::chain_service
