// BLAKE2b (RFC 7693) for the VM benchmark, compiled to wasm32 with clang -nostdlib. run() hashes a
// BENCH_BYTES buffer BENCH_ROUNDS times, chaining each digest into the next input, and returns the
// first 8 bytes of the final digest. Written from the RFC's description; not for production use.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;

static const u64 kIv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

static const u8 kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

static u64 rotr64(u64 x, int n) { return (x >> n) | (x << (64 - n)); }

static u64 load64(const u8* p) {
  u64 v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

#define G(a, b, c, d, x, y)          \
  do {                               \
    v[a] = v[a] + v[b] + (x);        \
    v[d] = rotr64(v[d] ^ v[a], 32);  \
    v[c] = v[c] + v[d];              \
    v[b] = rotr64(v[b] ^ v[c], 24);  \
    v[a] = v[a] + v[b] + (y);        \
    v[d] = rotr64(v[d] ^ v[a], 16);  \
    v[c] = v[c] + v[d];              \
    v[b] = rotr64(v[b] ^ v[c], 63);  \
  } while (0)

static void compress(u64 h[8], const u8 block[128], u64 counter, int last) {
  u64 v[16], m[16];
  for (int i = 0; i < 8; ++i) {
    v[i] = h[i];
    v[i + 8] = kIv[i];
  }
  v[12] ^= counter;
  if (last) v[14] = ~v[14];
  for (int i = 0; i < 16; ++i) m[i] = load64(block + 8 * i);
  for (int r = 0; r < 12; ++r) {
    const u8* s = kSigma[r];
    G(0, 4, 8, 12, m[s[0]], m[s[1]]);
    G(1, 5, 9, 13, m[s[2]], m[s[3]]);
    G(2, 6, 10, 14, m[s[4]], m[s[5]]);
    G(3, 7, 11, 15, m[s[6]], m[s[7]]);
    G(0, 5, 10, 15, m[s[8]], m[s[9]]);
    G(1, 6, 11, 12, m[s[10]], m[s[11]]);
    G(2, 7, 8, 13, m[s[12]], m[s[13]]);
    G(3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; ++i) h[i] ^= v[i] ^ v[i + 8];
}

// 32-byte digest of `len` bytes (len a multiple of 128 and > 0, enough for the benchmark).
static void blake2b_256(const u8* in, u32 len, u8 out[32]) {
  u64 h[8];
  for (int i = 0; i < 8; ++i) h[i] = kIv[i];
  h[0] ^= 0x01010000ULL ^ 32;
  u32 offset = 0;
  while (len - offset > 128) {
    compress(h, in + offset, offset + 128, 0);
    offset += 128;
  }
  compress(h, in + offset, len, 1);
  for (int i = 0; i < 32; ++i) out[i] = (u8)(h[i / 8] >> (8 * (i % 8)));
}

static u8 buffer[BENCH_BYTES];

__attribute__((export_name("run"))) u64 run(void) {
  for (u32 i = 0; i < BENCH_BYTES; ++i) buffer[i] = (u8)(i * 7 + 1);
  u8 digest[32];
  for (int r = 0; r < BENCH_ROUNDS; ++r) {
    blake2b_256(buffer, BENCH_BYTES, digest);
    for (int i = 0; i < 32; ++i) buffer[i] = digest[i];
  }
  return load64(digest);
}
