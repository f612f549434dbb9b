/* bciin.kv/1: the ordered key-value store service.
 *
 * Provided by storage plugins (storage-leveldb, storage-memory); used by the chain engine and by
 * any plugin that keeps data. Keys and values are arbitrary bytes; keys are ordered bytewise
 * (memcmp, shorter first on a common prefix). One service instance is one store; users keep
 * apart by key prefix.
 *
 * Threading: every function may be called from any thread concurrently. An iterator or a
 * snapshot is used by one thread at a time.
 * Atomicity: `write` applies all its operations or none, also across a crash (kill -9) of the
 * process; with BCIIN_KV_WRITE_SYNC (or the store's own sync option) also across power loss.
 */
#ifndef BCIIN_KV_H
#define BCIIN_KV_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_KV_SERVICE_ID "bciin.kv/1"
#define BCIIN_KV_SERVICE_VERSION "1.0.0"

typedef struct bciin_kv_snapshot bciin_kv_snapshot; /* opaque, owned by the store */
typedef struct bciin_kv_iterator bciin_kv_iterator; /* opaque, owned by the store */

typedef enum bciin_kv_op_kind { BCIIN_KV_PUT = 0, BCIIN_KV_DELETE = 1 } bciin_kv_op_kind;

/* One operation of an atomic batch. `value` is ignored for BCIIN_KV_DELETE. */
typedef struct bciin_kv_op {
  int32_t kind; /* a bciin_kv_op_kind */
  bciin_span key;
  bciin_span value;
} bciin_kv_op;

/* Flags of `write`. */
#define BCIIN_KV_WRITE_SYNC 1u /* flush to stable storage before returning */

typedef struct bciin_kv_service {
  bciin_service_header header; /* id BCIIN_KV_SERVICE_ID */

  /* Reads `key` as of `snapshot` (NULL: the latest state) and writes its value to `value`.
   * Returns BCIIN_OK, BCIIN_ERR_NOT_FOUND (nothing written to the sink) or an error. */
  int32_t (*get)(void* instance, const bciin_kv_snapshot* snapshot, bciin_span key,
                 bciin_sink value, bciin_error* error);

  /* Applies `count` operations atomically, in order (a later op on the same key wins). */
  int32_t (*write)(void* instance, const bciin_kv_op* ops, size_t count, uint32_t flags,
                   bciin_error* error);

  /* A consistent read-only view of the store as of now. NULL and `error` filled on failure.
   * Release every snapshot before the store is destroyed. */
  bciin_kv_snapshot* (*snapshot_create)(void* instance, bciin_error* error);
  void (*snapshot_release)(void* instance, bciin_kv_snapshot* snapshot);

  /* Ordered iteration as of `snapshot` (NULL: an implicit snapshot taken now). A new iterator is
   * not positioned: call seek first. key() and value() are valid until the next move or
   * destroy. NULL and `error` filled on failure. */
  bciin_kv_iterator* (*iterator_create)(void* instance, const bciin_kv_snapshot* snapshot,
                                        bciin_error* error);
  /* Positions at the first key >= `key` (an empty key: the first key of the store). */
  void (*iterator_seek)(bciin_kv_iterator* it, bciin_span key);
  void (*iterator_next)(bciin_kv_iterator* it);
  int32_t (*iterator_valid)(const bciin_kv_iterator* it); /* non-zero when on an entry */
  bciin_span (*iterator_key)(const bciin_kv_iterator* it);
  bciin_span (*iterator_value)(const bciin_kv_iterator* it);
  /* BCIIN_OK, or the error that ended the iteration early (I/O, corruption). */
  int32_t (*iterator_status)(const bciin_kv_iterator* it, bciin_error* error);
  void (*iterator_destroy)(bciin_kv_iterator* it);
} bciin_kv_service;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_KV_H */
