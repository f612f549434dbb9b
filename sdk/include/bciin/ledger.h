/* bciin.ledger-extension/1: how a plugin adds transaction types and a state subtree to the chain.
 * bciin.contract-hook/1: how a VM plugin runs the code of a contract account.
 *
 * Every transaction travels in one envelope (type, version, sender, nonce, TTL, gas, gas price,
 * payload; see docs/formats.md). The engine does the generic steps itself: format, size,
 * signature over the network id, TTL, nonce, fee = gas x gas price reserved from the sender and
 * the nonce incremented. It then hands the payload to the extension that registered the type:
 *
 *   check(type, version, payload)          stateless: the payload's format (canonical!) and
 *                                          field limits. An error makes the tx invalid.
 *   apply(type, version, payload, ctx, view)
 *                                          stateful, against an undoable view of the state.
 *       BCIIN_OK                           success; unused gas is refunded.
 *       BCIIN_ERR_REJECTED / _RESOURCE     the tx fails at run time: every change it made is
 *                                          undone, but it stays in the block and its fee (all
 *                                          gas used so far) goes to the block's beneficiary.
 *       any other code                     the tx is invalid: it cannot be in a block (a block
 *                                          that holds it is rejected) and pays nothing.
 *
 * The built-in accounts and spend transactions use this same table (subtree "accounts").
 * Amounts are 128-bit unsigned integers in the smallest unit; arithmetic that would overflow is
 * an error, never a wrap.
 *
 * Threading: check may run on any thread concurrently; apply, begin_block and genesis are called
 * from one engine thread at a time.
 */
#ifndef BCIIN_LEDGER_H
#define BCIIN_LEDGER_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_LEDGER_EXTENSION_SERVICE_ID "bciin.ledger-extension/1"
#define BCIIN_LEDGER_EXTENSION_SERVICE_VERSION "1.0.0"
#define BCIIN_CONTRACT_HOOK_SERVICE_ID "bciin.contract-hook/1"
#define BCIIN_CONTRACT_HOOK_SERVICE_VERSION "1.1.0"

/* An amount in the smallest unit: lo + hi * 2^64. */
typedef struct bciin_amount {
  uint64_t lo;
  uint64_t hi;
} bciin_amount;

/* What a transaction runs in. */
typedef struct bciin_tx_context {
  uint32_t size; /* sizeof(bciin_tx_context) */
  uint64_t height;  /* of the block being built or checked */
  uint64_t time_ms; /* of that block */
  uint8_t sender[32];
  uint8_t beneficiary[32]; /* the block producer's account */
  uint8_t tx_hash[32];
  uint64_t nonce;
  uint64_t gas_limit;
  uint64_t gas_price;
  bciin_span network_id;
} bciin_tx_context;

/* Context of begin_block (expiry of TTL'd entries and other per-block work). */
typedef struct bciin_block_context {
  uint32_t size;
  uint64_t height;
  uint64_t time_ms;
  uint8_t beneficiary[32];
  uint8_t entropy[32];
} bciin_block_context;

/* The undoable view of the state a transaction runs against. The engine provides it. */
typedef struct bciin_ledger_view bciin_ledger_view;

typedef struct bciin_ledger_view_api {
  uint32_t size;
  /* Reads `key` of subtree `subtree` (NULL: the caller's own). BCIIN_ERR_NOT_FOUND if absent. */
  int32_t (*get)(bciin_ledger_view* view, const char* subtree, bciin_span key, bciin_sink value,
                 bciin_error* error);
  /* Writes or deletes `key` in the caller's own subtree. Keys at most 256 bytes, values at most
   * 1 MiB. */
  int32_t (*put)(bciin_ledger_view* view, bciin_span key, bciin_span value, bciin_error* error);
  int32_t (*erase)(bciin_ledger_view* view, bciin_span key, bciin_error* error);

  /* Accounts. An absent account has balance 0. BCIIN_ERR_REJECTED when a balance is too low,
   * BCIIN_ERR_RESOURCE when a balance would overflow. */
  int32_t (*balance)(bciin_ledger_view* view, const uint8_t account[32], bciin_amount* out,
                     bciin_error* error);
  /* Moves `amount` from one account to another, creating the recipient when new. */
  int32_t (*transfer)(bciin_ledger_view* view, const uint8_t from[32], const uint8_t to[32],
                      bciin_amount amount, bciin_error* error);
  /* Takes from / gives to one account (deposits an extension holds in its own subtree). */
  int32_t (*debit)(bciin_ledger_view* view, const uint8_t account[32], bciin_amount amount,
                   bciin_error* error);
  int32_t (*credit)(bciin_ledger_view* view, const uint8_t account[32], bciin_amount amount,
                    bciin_error* error);

  /* Charges `gas` to the running transaction; BCIIN_ERR_RESOURCE when over its gas limit. */
  int32_t (*charge_gas)(bciin_ledger_view* view, uint64_t gas, bciin_error* error);
  /* Non-zero when `account` holds contract code (asks the contract hook; 0 without one). */
  int32_t (*is_contract)(bciin_ledger_view* view, const uint8_t account[32]);
  /* Runs the code of contract `contract` called by `caller` with `value` already transferred.
   * Gas is charged through charge_gas. BCIIN_ERR_UNSUPPORTED when no VM is loaded. */
  int32_t (*call_contract)(bciin_ledger_view* view, const uint8_t contract[32],
                           const uint8_t caller[32], bciin_amount value, bciin_span call_data,
                           bciin_sink output, bciin_error* error);
} bciin_ledger_view_api;

/* One transaction type an extension registers. Types are unique across the node. */
typedef struct bciin_tx_type_decl {
  uint16_t type;        /* the envelope's type tag */
  uint8_t min_version;  /* payload versions accepted */
  uint8_t max_version;
  const char* name;     /* "spend" */
  uint64_t base_gas;    /* intrinsic gas before the per-byte part (spend: 15000) */
} bciin_tx_type_decl;

typedef struct bciin_ledger_extension {
  bciin_service_header header; /* id BCIIN_LEDGER_EXTENSION_SERVICE_ID */
  /* The name of this extension's state subtree, [a-z0-9-]{1,32}, unique in the node. Its root
   * is committed in every header (see docs/formats.md, "state root"). */
  const char* subtree;
  const bciin_tx_type_decl* tx_types;
  uint32_t tx_type_count;

  int32_t (*check)(void* instance, uint16_t type, uint8_t version, bciin_span payload,
                   bciin_error* error);
  int32_t (*apply)(void* instance, uint16_t type, uint8_t version, bciin_span payload,
                   const bciin_tx_context* context, const bciin_ledger_view_api* api,
                   bciin_ledger_view* view, bciin_error* error);
  /* Optional (NULL): runs before the transactions of every block (expiries). */
  int32_t (*begin_block)(void* instance, const bciin_block_context* context,
                         const bciin_ledger_view_api* api, bciin_ledger_view* view,
                         bciin_error* error);
  /* Optional (NULL): fills the subtree at genesis from the genesis file's JSON object named
   * after the subtree (`config` is its UTF-8 JSON text, "null" when absent). */
  int32_t (*genesis)(void* instance, bciin_span config, const bciin_ledger_view_api* api,
                     bciin_ledger_view* view, bciin_error* error);
} bciin_ledger_extension;

/* Provided by a VM plugin: runs contract code when value or a call reaches a contract. */
typedef struct bciin_contract_hook {
  bciin_service_header header; /* id BCIIN_CONTRACT_HOOK_SERVICE_ID */
  /* Non-zero when `account` holds code (read from the VM's own subtree through `view`). */
  int32_t (*is_contract)(void* instance, const bciin_ledger_view_api* api,
                         bciin_ledger_view* view, const uint8_t account[32]);
  /* Runs the contract. Same result convention as bciin_ledger_extension.apply. */
  int32_t (*call)(void* instance, const bciin_tx_context* context,
                  const bciin_ledger_view_api* api, bciin_ledger_view* view,
                  const uint8_t contract[32], const uint8_t caller[32], bciin_amount value,
                  bciin_span call_data, bciin_sink output, bciin_error* error);
  /* Optional, added last (read only when header.size covers it; NULL: none): the VM's subtree.
   * While `call` runs, the view's own subtree (put/erase, get with NULL) is this one, whichever
   * extension's transaction reached the contract (a spend runs in "accounts"). */
  const char* subtree;
  /* Optional, added in ABI 1.1 (read only when header.size covers it; NULL: none): called after
   * a transaction failed at run time and every change it made was undone, before its fee is
   * settled, so the VM can record the failure (a receipt) in its own subtree (`subtree` above):
   * the view writes there, charges no gas and runs no contract. `reason` is the failure's
   * message. Any error makes the transaction invalid. */
  int32_t (*tx_failed)(void* instance, const bciin_tx_context* context,
                       const bciin_ledger_view_api* api, bciin_ledger_view* view,
                       bciin_span reason, bciin_error* error);
} bciin_contract_hook;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_LEDGER_H */
