/* i64-heavy: xorshift64* / splitmix64 PRNGs, 64-bit hash mixing (mul, shifts, rotates),
 * and an open-addressing hash table keyed by uint64_t.
 * Usage: i64_hash [scale]   (default 8) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t xorshift64s(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t mix(uint64_t h, uint64_t v) {
  v *= 0x87c37b91114253d5ull;
  v = rotl(v, 31);
  v *= 0x4cf5ad432745937full;
  h ^= v;
  h = rotl(h, 27) * 5 + 0x52dce729;
  return h;
}

static uint64_t fmix(uint64_t k) {
  k ^= k >> 33; k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 8;
  if (scale < 1) scale = 1;
  uint64_t s1 = 0x123456789abcdefull, s2 = 88172645463325252ull;
  uint64_t h = 0;
  long n = (long)scale * 100000;
  for (long i = 0; i < n; i++) {
    uint64_t a = splitmix64(&s1), b = xorshift64s(&s2);
    h = mix(h, a ^ rotl(b, (int)(a & 63)));
    h += (a / ((b | 1) >> 40 | 1)) ^ (b % 1000003);
  }
  /* open-addressing table of 64-bit keys */
  uint32_t cap = 1u << 16;
  uint64_t *keys = calloc(cap, sizeof(uint64_t));
  uint64_t *vals = calloc(cap, sizeof(uint64_t));
  long inserts = (long)scale * 6000, hits = 0;
  for (long i = 0; i < inserts; i++) {
    uint64_t k = fmix((uint64_t)(i % 40000) + 1);
    uint32_t slot = (uint32_t)k & (cap - 1);
    while (keys[slot] && keys[slot] != k) slot = (slot + 1) & (cap - 1);
    if (keys[slot] == k) hits++;
    keys[slot] = k;
    vals[slot] += (uint64_t)i * k;
  }
  uint64_t acc = 0;
  for (uint32_t i = 0; i < cap; i++) acc = mix(acc, vals[i] ^ keys[i]);
  printf("h=%016llx acc=%016llx hits=%ld fmix=%016llx\n", (unsigned long long)fmix(h),
         (unsigned long long)acc, hits, (unsigned long long)fmix(s1 ^ s2));
  free(keys); free(vals);
  return 0;
}
