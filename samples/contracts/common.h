/* Small helpers shared by the sample contracts (input parsing). */
#ifndef SAMPLES_CONTRACTS_COMMON_H
#define SAMPLES_CONTRACTS_COMMON_H
#include <bciin/contract.h>

typedef struct {
  const uint8_t* p;
  uint32_t left;
} reader_t;

static inline reader_t input_reader(void) {
  reader_t r;
  r.p = bciin_read_input(&r.left);
  return r;
}
static inline const uint8_t* take(reader_t* r, uint32_t n) {
  BCIIN_REQUIRE(r->left >= n, "input too short");
  const uint8_t* p = r->p;
  r->p += n;
  r->left -= n;
  return p;
}
static inline uint8_t take_u8(reader_t* r) { return *take(r, 1); }
static inline uint64_t take_u64(reader_t* r) {
  const uint8_t* p = take(r, 8);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
static inline bciin_amount_t take_amount(reader_t* r) {
  const uint8_t* p = take(r, 16);
  bciin_amount_t v = 0;
  for (int i = 15; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
static inline void take_address(reader_t* r, bciin_address_t* out) { bciin_memcpy(out->bytes, take(r, 32), 32); }
static inline int same_address(const bciin_address_t* a, const bciin_address_t* b) {
  return bciin_memeq(a->bytes, b->bytes, 32);
}
/* A record keyed by prefix || u64 id. */
static inline void record_key(uint8_t key[9], char prefix, uint64_t id) {
  key[0] = (uint8_t)prefix;
  bciin_memcpy(key + 1, &id, 8);
}
static inline uint64_t next_id(const char* counter) {
  uint64_t n;
  bciin_get_u64(counter, &n);
  bciin_set_u64(counter, n + 1);
  return n + 1;
}
static inline void pay(const bciin_address_t* to, bciin_amount_t amount) {
  if (amount != 0) BCIIN_REQUIRE(bciin_transfer(to, &amount) == 0, "contract balance too low");
}
#endif
