// bciin::sdk::ChainClient: typed access to bciin.chain/1 (bciin/chain_service.h) for plugins.
// Objects come back decoded with the SDK codec; the raw encodings are available too, for
// forwarding (p2p) without a decode and re-encode.
#pragma once

#include <bciin/chain/address.h>
#include <bciin/chain/codec.h>
#include <bciin/chain/objects.h>
#include <bciin/chain_service.h>
#include <bciin/sdk/status.hpp>

#include <cstring>
#include <optional>
#include <string>

namespace bciin::sdk {
inline namespace v1 {

// list<SignedTx>, as mempool_txs writes it.
struct ChainTxList {
  std::vector<chain::SignedTx> txs;
  template <class Io>
  void Serialize(Io& io) {
    io.List(txs, chain::kMaxTxsPerBlock);
  }
};

struct ChainHead {
  uint64_t height = 0;
  chain::Hash hash{};
  chain::Amount weight;
  uint64_t time_ms = 0;
};

class ChainClient {
 public:
  ChainClient() = default;
  explicit ChainClient(const bciin_chain_service* s) : s_(s) {}

  static Status From(const bciin_service_header* header, ChainClient* out) {
    if (header == nullptr) return Status::NotFound("no " BCIIN_CHAIN_SERVICE_ID " service");
    if (std::string_view(header->id) != BCIIN_CHAIN_SERVICE_ID || header->size < sizeof(bciin_chain_service))
      return Status::Unsupported(std::string("not a " BCIIN_CHAIN_SERVICE_ID " table: ") + header->id);
    *out = ChainClient(reinterpret_cast<const bciin_chain_service*>(header));
    return Status();
  }
  bool valid() const { return s_ != nullptr; }

  Status SubmitTx(chain::ByteView signed_tx, chain::Hash* hash) const {
    bciin_error e{};
    chain::Hash h{};
    int32_t rc = s_->submit_tx(inst(), chain::AsSpan(signed_tx), h.data(), &e);
    if (hash) *hash = h;
    return From(rc, e);
  }
  Status ImportBlock(chain::ByteView block, bciin_chain_import_result* result) const {
    bciin_error e{};
    bciin_chain_import_result r{};
    r.size = sizeof r;
    int32_t rc = s_->import_block(inst(), chain::AsSpan(block), &r, &e);
    if (result) *result = r;
    return From(rc, e);
  }
  ChainHead Head() const {
    bciin_chain_head h{};
    h.size = sizeof h;
    s_->head(inst(), &h);
    ChainHead out;
    out.height = h.height;
    std::memcpy(out.hash.data(), h.hash, 32);
    out.weight = chain::Amount::FromParts(h.weight_lo, h.weight_hi);
    out.time_ms = h.time_ms;
    return out;
  }
  chain::Hash GenesisHash(std::string* network_id = nullptr) const {
    chain::Hash h{};
    std::string id;
    s_->genesis(inst(), h.data(), Sink(&id));
    if (network_id) *network_id = id;
    return h;
  }
  Status GetHeaderBytes(const chain::Hash& h, std::string* out) const {
    bciin_error e{};
    out->clear();
    return From(s_->get_header(inst(), h.data(), Sink(out), &e), e);
  }
  Status GetBlockBytes(const chain::Hash& h, std::string* out) const {
    bciin_error e{};
    out->clear();
    return From(s_->get_block(inst(), h.data(), Sink(out), &e), e);
  }
  Status GetHeader(const chain::Hash& h, chain::Header* out) const {
    std::string raw;
    if (Status s = GetHeaderBytes(h, &raw); !s.ok()) return s;
    return chain::DecodeCanonical(chain::AsView(raw), out, "header");
  }
  Status GetBlock(const chain::Hash& h, chain::Block* out) const {
    std::string raw;
    if (Status s = GetBlockBytes(h, &raw); !s.ok()) return s;
    return chain::DecodeCanonical(chain::AsView(raw), out, "block");
  }
  Status GetMainHash(uint64_t height, chain::Hash* out) const {
    bciin_error e{};
    return From(s_->get_main_hash(inst(), height, out->data(), &e), e);
  }
  Status GetWeight(const chain::Hash& h, chain::Amount* out) const {
    bciin_error e{};
    uint64_t lo = 0, hi = 0;
    Status s = From(s_->get_weight(inst(), h.data(), &lo, &hi, &e), e);
    if (s.ok()) *out = chain::Amount::FromParts(lo, hi);
    return s;
  }
  // nullopt (and ok) when the account does not exist.
  Status GetAccount(const chain::PublicKey& key, std::optional<chain::Account>* out) const {
    bciin_error e{};
    std::string raw;
    out->reset();
    int32_t rc = s_->get_account(inst(), key.data(), Sink(&raw), &e);
    if (rc == BCIIN_ERR_NOT_FOUND) return Status();
    if (rc != BCIIN_OK) return From(rc, e);
    chain::Account a;
    if (Status s = chain::DecodeCanonical(chain::AsView(raw), &a, "account"); !s.ok()) return s;
    *out = a;
    return Status();
  }
  // The value under `key` in state subtree `subtree` at the head; nullopt (and ok) when absent.
  Status GetState(const std::string& subtree, chain::ByteView key, std::optional<std::string>* out) const {
    bciin_error e{};
    std::string raw;
    out->reset();
    int32_t rc = s_->get_state(inst(), subtree.c_str(), chain::AsSpan(key), Sink(&raw), &e);
    if (rc == BCIIN_ERR_NOT_FOUND) return Status();
    if (rc != BCIIN_OK) return From(rc, e);
    *out = std::move(raw);
    return Status();
  }
  Status Prove(const std::string& subtree, chain::ByteView key, const chain::Hash* block,
               std::string* proof, std::string* header) const {
    bciin_error e{};
    proof->clear();
    header->clear();
    return From(s_->prove(inst(), subtree.c_str(), chain::AsSpan(key), block ? block->data() : nullptr,
                          Sink(proof), Sink(header), &e),
                e);
  }
  uint64_t MempoolSize() const { return s_->mempool_size(inst()); }
  Status MempoolTxs(uint32_t max, std::vector<chain::SignedTx>* out) const {
    bciin_error e{};
    std::string raw;
    if (Status s = From(s_->mempool_txs(inst(), max, Sink(&raw), &e), e); !s.ok()) return s;
    ChainTxList list;
    if (Status s = chain::DecodeCanonical(chain::AsView(raw), &list, "tx list"); !s.ok()) return s;
    *out = std::move(list.txs);
    return Status();
  }
  Status TxStatus(const chain::Hash& h, bciin_chain_tx_status* status, std::string* tx) const {
    bciin_error e{};
    std::memset(status, 0, sizeof *status);
    status->size = sizeof *status;
    tx->clear();
    return From(s_->tx_status(inst(), h.data(), status, Sink(tx), &e), e);
  }

 private:
  void* inst() const { return s_->header.instance; }
  static bciin_sink Sink(std::string* s) {
    return bciin_sink{s, [](void* c, const uint8_t* d, size_t n) {
                        static_cast<std::string*>(c)->append(reinterpret_cast<const char*>(d), n);
                      }};
  }
  static Status From(int32_t rc, const bciin_error& e) {
    if (rc == BCIIN_OK) return Status();
    return Status(static_cast<bciin_status_code>(rc), e.message[0] ? std::string(e.message) : "chain service error");
  }

  const bciin_chain_service* s_ = nullptr;
};

}  // namespace v1
}  // namespace bciin::sdk
