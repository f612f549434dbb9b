/* BCIIN contracts in C: the host interface of the BCIIN VM (imports of module "bciin") and small
 * helpers. Compile with Debian's clang and wasm-ld, e.g. through the CMake helper
 * bciin_add_contract() (BciinContract.cmake):
 *
 *   clang --target=wasm32 -O2 -nostdlib -ffreestanding -c token.c
 *   wasm-ld --no-entry --export=call --export=init --export=memory token.o -o token.wasm
 *
 * A contract exports `void call(void)` (every call and every payment to it) and optionally
 * `void init(void)` (the constructor, run once in its create transaction). Input comes from
 * bciin_input(); output is set with bciin_return(); bciin_revert() ends the call and undoes
 * everything it did (the fee is paid anyway). Amounts are 128-bit little-endian (bciin_amount_t).
 * Gas for each host function: docs/contracts.md. No floating point (refused by the VM).
 */
#ifndef BCIIN_CONTRACT_H
#define BCIIN_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_IMPORT(name) __attribute__((import_module("bciin"), import_name(#name)))
#define BCIIN_EXPORT_AS(name) __attribute__((export_name(#name)))

typedef struct { uint8_t bytes[32]; } bciin_address_t;
typedef unsigned __int128 bciin_amount_t;

/* ---- Call context ---- */
BCIIN_IMPORT(input_size) uint32_t bciin_input_size(void);
BCIIN_IMPORT(input) void bciin_input(void* out); /* copies all bciin_input_size() bytes */
BCIIN_IMPORT(caller) void bciin_caller(bciin_address_t* out); /* the account or contract calling */
BCIIN_IMPORT(origin) void bciin_origin(bciin_address_t* out); /* the transaction's signer */
BCIIN_IMPORT(self) void bciin_self(bciin_address_t* out);
BCIIN_IMPORT(value) void bciin_value(bciin_amount_t* out); /* moved to this contract with the call */
BCIIN_IMPORT(balance) void bciin_balance(const bciin_address_t* account, bciin_amount_t* out);
BCIIN_IMPORT(block_height) uint64_t bciin_block_height(void);
BCIIN_IMPORT(block_time) uint64_t bciin_block_time(void); /* ms since the epoch */
BCIIN_IMPORT(tx_hash) void bciin_tx_hash(uint8_t out[32]);
BCIIN_IMPORT(block_entropy) void bciin_block_entropy(uint8_t out[32]); /* the consensus entropy of the block */
BCIIN_IMPORT(gas_left) uint64_t bciin_gas_left(void);

/* ---- Storage: this contract's own entries. Keys 1..223 bytes, values up to 64 KiB. ---- */
/* Returns the value's full length and copies min(length, capacity) bytes, or -1 when absent. */
BCIIN_IMPORT(storage_get) int32_t bciin_storage_get(const void* key, uint32_t key_len, void* out, uint32_t capacity);
BCIIN_IMPORT(storage_set) void bciin_storage_set(const void* key, uint32_t key_len, const void* value, uint32_t len);
BCIIN_IMPORT(storage_delete) void bciin_storage_delete(const void* key, uint32_t key_len);

/* ---- Value and other contracts ---- */
/* 0 on success, 1 when this contract's balance is too low. */
BCIIN_IMPORT(transfer) int32_t bciin_transfer(const bciin_address_t* to, const bciin_amount_t* amount);
/* Calls `contract` with `value` and at most `gas`: 0 on success, 1 when it failed (its changes and
 * the value are undone; this call goes on). bciin_return_data() then holds its output (or its
 * revert message). */
BCIIN_IMPORT(call) int32_t bciin_call(const bciin_address_t* contract, const bciin_amount_t* value, const void* data,
                                      uint32_t len, uint64_t gas);
BCIIN_IMPORT(return_data_size) uint32_t bciin_return_data_size(void);
BCIIN_IMPORT(return_data) void bciin_return_data(void* out);
/* Creates a contract from `code` (its init gets `args`): 0 and its address in `out`, or 1. */
BCIIN_IMPORT(create) int32_t bciin_create(const void* code, uint32_t code_len, const void* args, uint32_t args_len,
                                          const bciin_amount_t* value, bciin_address_t* out);

/* ---- Output ---- */
BCIIN_IMPORT(emit) void bciin_emit(const void* topic, uint32_t topic_len, const void* data, uint32_t len);
BCIIN_IMPORT(return) void bciin_return(const void* data, uint32_t len); /* the call's output */
BCIIN_IMPORT(revert) void bciin_revert_raw(const void* message, uint32_t len);

/* ---- Crypto ---- */
BCIIN_IMPORT(blake2b) void bciin_blake2b(const void* data, uint32_t len, uint8_t out[32]);
BCIIN_IMPORT(ed25519_verify) int32_t bciin_ed25519_verify(const uint8_t key[32], const void* message, uint32_t len,
                                                          const uint8_t signature[64]);

/* ---- Helpers ---- */
static inline uint32_t bciin_strlen(const char* s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}
static inline int bciin_memeq(const void* a, const void* b, uint32_t n) {
  const uint8_t* x = (const uint8_t*)a;
  const uint8_t* y = (const uint8_t*)b;
  for (uint32_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return 0;
  return 1;
}
static inline void bciin_memcpy(void* to, const void* from, uint32_t n) {
  uint8_t* d = (uint8_t*)to;
  const uint8_t* s = (const uint8_t*)from;
  for (uint32_t i = 0; i < n; ++i) d[i] = s[i];
}
/* Ends the call with `message`, undoing its changes. */
__attribute__((noreturn)) static inline void bciin_revert(const char* message) {
  bciin_revert_raw(message, bciin_strlen(message));
  __builtin_unreachable();
}
#define BCIIN_REQUIRE(cond, message) \
  do {                               \
    if (!(cond)) bciin_revert(message); \
  } while (0)
static inline void bciin_return_str(const char* s) { bciin_return(s, bciin_strlen(s)); }

/* Fixed-size values under a string key. */
static inline int bciin_get_u64(const char* key, uint64_t* out) {
  *out = 0;
  return bciin_storage_get(key, bciin_strlen(key), out, sizeof *out) == (int32_t)sizeof *out;
}
static inline void bciin_set_u64(const char* key, uint64_t v) { bciin_storage_set(key, bciin_strlen(key), &v, sizeof v); }
/* Storage keyed by prefix || address (balances, roles). */
static inline bciin_amount_t bciin_get_amount_of(char prefix, const bciin_address_t* who) {
  uint8_t key[33];
  bciin_amount_t v = 0;
  key[0] = (uint8_t)prefix;
  bciin_memcpy(key + 1, who->bytes, 32);
  if (bciin_storage_get(key, 33, &v, sizeof v) != (int32_t)sizeof v) v = 0;
  return v;
}
static inline void bciin_set_amount_of(char prefix, const bciin_address_t* who, bciin_amount_t v) {
  uint8_t key[33];
  key[0] = (uint8_t)prefix;
  bciin_memcpy(key + 1, who->bytes, 32);
  if (v == 0)
    bciin_storage_delete(key, 33);
  else
    bciin_storage_set(key, 33, &v, sizeof v);
}
/* A bump allocator over a static arena, for input buffers. */
#ifndef BCIIN_ARENA_SIZE
#define BCIIN_ARENA_SIZE 65536
#endif
static inline void* bciin_alloc(uint32_t n) {
  static uint8_t arena[BCIIN_ARENA_SIZE];
  static uint32_t top = 0;
  n = (n + 15u) & ~15u;
  if (n > BCIIN_ARENA_SIZE - top) bciin_revert("out of arena memory");
  void* p = arena + top;
  top += n;
  return p;
}
/* The whole input in a buffer of the arena; `*len` receives its length. */
static inline uint8_t* bciin_read_input(uint32_t* len) {
  *len = bciin_input_size();
  uint8_t* p = (uint8_t*)bciin_alloc(*len ? *len : 1);
  bciin_input(p);
  return p;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_CONTRACT_H */
