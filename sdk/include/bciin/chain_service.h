/* bciin.chain/1: the chain engine as a service, for the network, the API and any other plugin.
 *
 * Provided by the built-in component `chain` of bciin-node (host/chain-service). Objects cross
 * in their canonical encodings (docs/formats.md) through a bciin_sink, so a reader decodes them
 * with the SDK's codec (bciin/chain/objects.h) or forwards the bytes unchanged (p2p).
 *
 * Every function may be called from any thread once the `chain` component is created. Errors
 * fill `error` (may be NULL) and return a bciin_status_code: NOT_FOUND for an unknown block,
 * height, account or transaction; INVALID_ARGUMENT for a malformed or non-canonical encoding;
 * REJECTED for a valid object refused by a rule (the message names the rule).
 *
 * Host events published by the component (payloads are canonical encodings):
 *   "chain.block"  a block that became the head (produced here or imported): encode(Block)
 *   "chain.tx"     a transaction accepted into the mempool:               encode(SignedTx)
 */
#ifndef BCIIN_CHAIN_SERVICE_H
#define BCIIN_CHAIN_SERVICE_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_CHAIN_SERVICE_ID "bciin.chain/1"
#define BCIIN_CHAIN_SERVICE_VERSION "1.0.0"

#define BCIIN_CHAIN_EVENT_BLOCK "chain.block"
#define BCIIN_CHAIN_EVENT_TX "chain.tx"

/* The head of the main chain. `weight` is the cumulative consensus weight from genesis, an
 * unsigned 128-bit number in two halves. */
typedef struct bciin_chain_head {
  uint32_t size; /* sizeof(bciin_chain_head), set by the caller */
  uint64_t height;
  uint8_t hash[32];
  uint64_t weight_lo;
  uint64_t weight_hi;
  uint64_t time_ms;
} bciin_chain_head;

/* What import_block did with a valid block. */
typedef struct bciin_chain_import_result {
  uint32_t size; /* set by the caller */
  uint8_t hash[32];
  int32_t already_known; /* non-zero: stored before, nothing changed */
  int32_t new_head;      /* non-zero: the block is now the head */
  uint64_t reorg_depth;  /* blocks of the old main chain that left it */
} bciin_chain_import_result;

typedef enum bciin_chain_tx_state {
  BCIIN_CHAIN_TX_UNKNOWN = 0,  /* neither pending nor in a main-chain block */
  BCIIN_CHAIN_TX_PENDING = 1,  /* in the mempool */
  BCIIN_CHAIN_TX_INCLUDED = 2  /* in a block of the main chain */
} bciin_chain_tx_state;

typedef struct bciin_chain_tx_status {
  uint32_t size; /* set by the caller */
  int32_t state; /* a bciin_chain_tx_state */
  /* When INCLUDED: the block, its height, the position in it, and the outcome. */
  uint8_t block_hash[32];
  uint64_t block_height;
  uint32_t index;
  int32_t success; /* non-zero when the transaction ran without failure (it paid its fee anyway) */
  uint64_t gas_used;
  uint64_t confirmations; /* head height - block height + 1 */
} bciin_chain_tx_status;

typedef struct bciin_chain_service {
  bciin_service_header header; /* id BCIIN_CHAIN_SERVICE_ID */

  /* Checks an encoded SignedTx against the head state and adds it to the mempool; writes its
   * hash. REJECTED with the reason ("nonce too low", "bad signature", ...). */
  int32_t (*submit_tx)(void* instance, bciin_span signed_tx, uint8_t tx_hash[32], bciin_error* error);

  /* Validates and stores an encoded Block; follows it when its branch is the heaviest.
   * NOT_FOUND when its parent is unknown (the caller should fetch the parent first). */
  int32_t (*import_block)(void* instance, bciin_span block, bciin_chain_import_result* result,
                          bciin_error* error);

  /* The head of the main chain. */
  int32_t (*head)(void* instance, bciin_chain_head* out);

  /* The genesis block's hash, and the network id written into `network_id`. */
  int32_t (*genesis)(void* instance, uint8_t hash[32], bciin_sink network_id);

  /* The encoded Header / Block with that hash (on any branch). */
  int32_t (*get_header)(void* instance, const uint8_t hash[32], bciin_sink out, bciin_error* error);
  int32_t (*get_block)(void* instance, const uint8_t hash[32], bciin_sink out, bciin_error* error);
  /* The hash of the main-chain block at `height`. */
  int32_t (*get_main_hash)(void* instance, uint64_t height, uint8_t hash[32], bciin_error* error);
  /* The cumulative weight from genesis of a stored block. */
  int32_t (*get_weight)(void* instance, const uint8_t hash[32], uint64_t* weight_lo,
                        uint64_t* weight_hi, bciin_error* error);

  /* The encoded Account of a 32-byte public key at the head; NOT_FOUND when it has none. */
  int32_t (*get_account)(void* instance, const uint8_t key[32], bciin_sink out, bciin_error* error);
  /* The value under `key` in state subtree `subtree` at the head; NOT_FOUND when absent. */
  int32_t (*get_state)(void* instance, const char* subtree, bciin_span key, bciin_sink out,
                       bciin_error* error);
  /* An encoded StateProof of `key` in `subtree` (present or absent) at block `block_hash`
   * (NULL: the head), and that block's encoded Header. */
  int32_t (*prove)(void* instance, const char* subtree, bciin_span key, const uint8_t* block_hash,
                   bciin_sink proof, bciin_sink header, bciin_error* error);

  /* Transactions waiting in the mempool. */
  uint64_t (*mempool_size)(void* instance);
  /* Up to `max` pending transactions, as a canonical list<SignedTx> (u32 count, then each). */
  int32_t (*mempool_txs)(void* instance, uint32_t max, bciin_sink out, bciin_error* error);

  /* Where a transaction is. Writes the encoded SignedTx into `tx` when it is known (pending or
   * included); the status is UNKNOWN (and BCIIN_OK returned) otherwise. */
  int32_t (*tx_status)(void* instance, const uint8_t tx_hash[32], bciin_chain_tx_status* out,
                       bciin_sink tx, bciin_error* error);
} bciin_chain_service;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_CHAIN_SERVICE_H */
