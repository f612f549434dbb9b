// ChainServiceTable: the C table bciin.chain/1 over a bciin::chain::Chain.
//
// Every function converts at the boundary: canonical encodings in and out through bciin_span
// and bciin_sink, Status to bciin_error, and no exception ever escapes.
#pragma once

#include "chain/chain.h"
#include "tx_index.h"

#include <bciin/chain_service.h>

#include <functional>

namespace bciin::chain_service {

class ChainServiceTable {
 public:
  // `on_tx` runs after a submitted transaction was accepted; `on_import` after an imported
  // block was stored (new or not). Both may be empty.
  ChainServiceTable(chain::Chain* chain, TxIndex* index,
                    std::function<void(chain::ByteView tx)> on_tx,
                    std::function<void(chain::ByteView block, const chain::ImportResult&)> on_import);

  const bciin_service_header* header() const { return &table_.header; }
  const bciin_chain_service* table() const { return &table_; }

 private:
  static ChainServiceTable* Self(void* instance) { return static_cast<ChainServiceTable*>(instance); }
  static int32_t SubmitTx(void*, bciin_span, uint8_t[32], bciin_error*);
  static int32_t ImportBlock(void*, bciin_span, bciin_chain_import_result*, bciin_error*);
  static int32_t Head(void*, bciin_chain_head*);
  static int32_t Genesis(void*, uint8_t[32], bciin_sink);
  static int32_t GetHeader(void*, const uint8_t[32], bciin_sink, bciin_error*);
  static int32_t GetBlock(void*, const uint8_t[32], bciin_sink, bciin_error*);
  static int32_t GetMainHash(void*, uint64_t, uint8_t[32], bciin_error*);
  static int32_t GetWeight(void*, const uint8_t[32], uint64_t*, uint64_t*, bciin_error*);
  static int32_t GetAccount(void*, const uint8_t[32], bciin_sink, bciin_error*);
  static int32_t GetState(void*, const char*, bciin_span, bciin_sink, bciin_error*);
  static int32_t Prove(void*, const char*, bciin_span, const uint8_t*, bciin_sink, bciin_sink, bciin_error*);
  static uint64_t MempoolSize(void*);
  static int32_t MempoolTxs(void*, uint32_t, bciin_sink, bciin_error*);
  static int32_t TxStatus(void*, const uint8_t[32], bciin_chain_tx_status*, bciin_sink, bciin_error*);

  chain::Chain* chain_;
  TxIndex* index_;
  std::function<void(chain::ByteView)> on_tx_;
  std::function<void(chain::ByteView, const chain::ImportResult&)> on_import_;
  bciin_chain_service table_;
};

}  // namespace bciin::chain_service
