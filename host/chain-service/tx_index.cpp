#include "tx_index.h"

#include <bciin/chain/address.h>

#include <cstring>

namespace bciin::chain_service {

namespace {

using chain::Hash;

std::string Key(char kind, const Hash& h) {
  std::string k = {'x', kind};
  k.append(reinterpret_cast<const char*>(h.data()), h.size());
  return k;
}

// Value of "xT" + tx: repeated (block hash 32, height u64 le, index u32 le).
constexpr size_t kEntry = 32 + 8 + 4;

}  // namespace

Status TxIndex::IndexBlock(const Hash& hash, const chain::Block& block) {
  sdk::KvBatch batch;
  for (uint32_t i = 0; i < block.txs.size(); ++i) {
    Hash th = chain::TxHash(block.txs[i]);
    std::string value;
    Status s = kv_.Get(Key('T', th), &value);
    if (!s.ok() && !s.is(BCIIN_ERR_NOT_FOUND)) return s;
    bool present = false;
    for (size_t off = 0; off + kEntry <= value.size(); off += kEntry)
      if (std::memcmp(value.data() + off, hash.data(), 32) == 0) present = true;
    if (present) continue;
    char entry[kEntry];
    std::memcpy(entry, hash.data(), 32);
    uint64_t height = block.header.height;
    std::memcpy(entry + 32, &height, 8);
    std::memcpy(entry + 40, &i, 4);
    value.append(entry, kEntry);
    batch.Put(Key('T', th), value);
  }
  batch.Put(Key('B', hash), "1");
  return kv_.Write(batch);
}

Status TxIndex::Update() {
  std::lock_guard lock(mu_);
  Hash hash = chain_->head_hash();
  for (;;) {
    std::string marker;
    Status s = kv_.Get(Key('B', hash), &marker);
    if (s.ok()) return Status();
    if (!s.is(BCIIN_ERR_NOT_FOUND)) return s;
    chain::Block block;
    if (Status g = chain_->GetBlock(hash, &block); !g.ok()) return g.WithContext("tx index");
    if (Status w = IndexBlock(hash, block); !w.ok()) return w.WithContext("tx index");
    if (block.header.height == 0) return Status();
    hash = block.header.prev_hash;
  }
}

Status TxIndex::Lookup(const Hash& tx, std::optional<TxLocation>* out) const {
  out->reset();
  std::string value;
  Status s = kv_.Get(Key('T', tx), &value);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status();
  if (!s.ok()) return s;
  for (size_t off = 0; off + kEntry <= value.size(); off += kEntry) {
    TxLocation loc;
    std::memcpy(loc.block.data(), value.data() + off, 32);
    std::memcpy(&loc.height, value.data() + off + 32, 8);
    std::memcpy(&loc.index, value.data() + off + 40, 4);
    Hash main{};
    if (chain_->GetMainHash(loc.height, &main).ok() && main == loc.block) {
      *out = loc;
      return Status();
    }
  }
  return Status();
}

}  // namespace bciin::chain_service
