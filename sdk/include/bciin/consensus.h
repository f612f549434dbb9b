/* bciin.consensus/1: the consensus service the chain engine asks about seals and fork choice.
 *
 * Provided by one consensus plugin per node (consensus-dev, consensus-cuckoo, ...). The engine
 * owns the block format; a consensus plugin sees a header only through bciin_consensus_header:
 * the generic fields, its own opaque `fields` (target, producer key, ...) and the `seal`.
 *
 * The seal commits to `seal_hash`, the Blake2b-256 of the header encoded with an empty seal (see
 * docs/formats.md), so that everything but the seal is covered by it.
 *
 * Threading: check_seal, weight and next_fields may run concurrently from several threads;
 * produce_seal runs on the engine's producer thread and must poll `cancel`.
 */
#ifndef BCIIN_CONSENSUS_H
#define BCIIN_CONSENSUS_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_CONSENSUS_SERVICE_ID "bciin.consensus/1"
#define BCIIN_CONSENSUS_SERVICE_VERSION "1.0.0"

/* Upper bounds the engine enforces on the opaque parts of a header. */
#define BCIIN_CONSENSUS_FIELDS_MAX 1024
#define BCIIN_CONSENSUS_SEAL_MAX 4096

/* A block header as the consensus plugin sees it. All spans are borrowed for the call. */
typedef struct bciin_consensus_header {
  uint32_t size; /* sizeof(bciin_consensus_header) */
  uint32_t version;
  uint64_t height;
  uint64_t time_ms; /* milliseconds since the Unix epoch */
  uint8_t prev_hash[32];
  uint8_t hash[32];      /* block hash (header with seal); all zero while sealing */
  uint8_t seal_hash[32]; /* Blake2b-256 of the header encoded with an empty seal */
  uint8_t beneficiary[32];
  bciin_span fields; /* consensus fields, as returned by next_fields for this block */
  bciin_span seal;   /* empty while sealing */
} bciin_consensus_header;

/* Read access to the ancestors of the block being checked or built, on its own branch. */
typedef struct bciin_consensus_chain {
  void* context;
  /* Fills `out` with the header at `height` (lower than the block's own height) on the branch.
   * Its spans stay valid until the next call of `ancestor`. BCIIN_ERR_NOT_FOUND past genesis. */
  int32_t (*ancestor)(void* context, uint64_t height, bciin_consensus_header* out,
                      bciin_error* error);
} bciin_consensus_chain;

/* Polled by produce_seal; returns non-zero once the caller wants it to give up. */
typedef struct bciin_cancel {
  void* context;
  int32_t (*is_cancelled)(void* context);
} bciin_cancel;

typedef struct bciin_consensus_service {
  bciin_service_header header; /* id BCIIN_CONSENSUS_SERVICE_ID */

  /* Writes the consensus fields (e.g. the next target) of a block on top of `parent` with time
   * `time_ms`. At most BCIIN_CONSENSUS_FIELDS_MAX bytes. */
  int32_t (*next_fields)(void* instance, const bciin_consensus_header* parent, uint64_t time_ms,
                         const bciin_consensus_chain* chain, bciin_sink fields,
                         bciin_error* error);

  /* Checks `header` (fields and seal) on top of `parent`. BCIIN_OK, or BCIIN_ERR_REJECTED with
   * the reason (bad seal, wrong target, producing too early, ...). */
  int32_t (*check_seal)(void* instance, const bciin_consensus_header* header,
                        const bciin_consensus_header* parent, const bciin_consensus_chain* chain,
                        bciin_error* error);

  /* The weight `header` adds to its branch; the engine follows the branch of the highest sum
   * (first seen on a tie). Called only on headers that passed check_seal. */
  int32_t (*weight)(void* instance, const bciin_consensus_header* header, uint64_t* weight,
                    bciin_error* error);

  /* Seals `header` (its seal empty, its seal_hash filled) and writes the seal. Returns
   * BCIIN_ERR_CANCELLED when `cancel` fired first, BCIIN_ERR_UNSUPPORTED when this node cannot
   * seal (no key). May take long (proof of work). */
  int32_t (*produce_seal)(void* instance, const bciin_consensus_header* header,
                          const bciin_cancel* cancel, bciin_sink seal, bciin_error* error);

  /* The earliest time (ms) at which this node should seal a block on top of `parent`, given the
   * current time; UINT64_MAX when this node does not produce blocks. */
  uint64_t (*next_block_time)(void* instance, const bciin_consensus_header* parent,
                              uint64_t now_ms);
} bciin_consensus_service;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_CONSENSUS_H */
