/* Memory / bulk: memcpy and memset over large buffers, plus qsort of structs.
 * Usage: mem_qsort [scale]   (default 8) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint32_t key;
  int32_t id;
  char name[8];
} Rec;

static int cmp_rec(const void *pa, const void *pb) {
  const Rec *a = pa, *b = pb;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return a->id - b->id;
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 8;
  if (scale < 1) scale = 1;
  size_t sz = 256 * 1024;
  uint8_t *src = malloc(sz), *dst = malloc(sz);
  for (size_t i = 0; i < sz; i++) src[i] = (uint8_t)(i * 31 + 7);
  uint32_t sum = 0;
  int rounds = scale * 12;
  for (int r = 0; r < rounds; r++) {
    memset(dst, r, sz);
    size_t off = (size_t)(r * 97) % 4096;
    memcpy(dst + off, src, sz - off);
    memmove(dst + 1, dst, sz / 2);
    for (size_t i = 0; i < sz; i += 4093) sum = sum * 33 + dst[i];
  }
  int n = scale * 4000;
  Rec *recs = malloc(sizeof(Rec) * n);
  uint32_t x = 12345;
  for (int i = 0; i < n; i++) {
    x = x * 1103515245u + 12345u;
    recs[i].key = (x >> 8) % 5000;
    recs[i].id = i;
    memcpy(recs[i].name, "rec....", 8);
    recs[i].name[3] = (char)('a' + i % 26);
  }
  qsort(recs, n, sizeof(Rec), cmp_rec);
  uint32_t h = 0;
  for (int i = 0; i < n; i++) h = h * 31 + recs[i].key * 7 + (uint32_t)recs[i].id + (uint8_t)recs[i].name[3];
  int sorted = 1;
  for (int i = 1; i < n; i++) if (cmp_rec(&recs[i - 1], &recs[i]) > 0) sorted = 0;
  printf("bulk=%08x sorted=%d h=%08x first=%u last=%u\n", sum, sorted, h, recs[0].key, recs[n - 1].key);
  free(src); free(dst); free(recs);
  return 0;
}
