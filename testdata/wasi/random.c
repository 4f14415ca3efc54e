// Draws random bytes twice (small and > 64 KiB) and reports properties.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static unsigned char big[100000];

int main(void) {
  unsigned char a[32], b[32];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  int r1 = getentropy(a, sizeof a);
  int r2 = getentropy(b, sizeof b);
  printf("getentropy: %d %d\n", r1, r2);
  printf("draws differ: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
  int r3 = __wasi_random_get(big, sizeof big);
  printf("random_get 100000: %d\n", r3);
  int seen[256] = {0}, distinct = 0;
  for (size_t i = 0; i < sizeof big; i++) seen[big[i]] = 1;
  for (int i = 0; i < 256; i++) distinct += seen[i];
  printf("big buffer byte values: %d\n", distinct);
  return 0;
}
