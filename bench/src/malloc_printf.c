/* malloc/free + string formatting: builds many small heap strings with snprintf, keeps a
 * rolling window of them, sorts them with strcmp, and parses numbers back with strtol.
 * Usage: malloc_printf [scale]   (default 8) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 512

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 8;
  if (scale < 1) scale = 1;
  char *win[WINDOW] = {0};
  uint32_t h = 5381;
  long long total = 0, parsed = 0;
  int n = scale * 6000;
  for (int i = 0; i < n; i++) {
    char tmp[96];
    int len = snprintf(tmp, sizeof tmp, "item-%05d:%x:%s:%d", i * 7919 % 100000, (unsigned)i * 2654435761u,
                       (i & 1) ? "odd" : "even", -i);
    char *s = malloc((size_t)len + 1 + (size_t)(i % 37));
    memcpy(s, tmp, (size_t)len + 1);
    free(win[i % WINDOW]);
    win[i % WINDOW] = s;
    total += len;
    parsed += strtol(s + 5, NULL, 10);
    for (const char *p = s; *p; p++) h = h * 33 ^ (uint8_t)*p;
    if (i % 1500 == 1499) {
      char *sorted[WINDOW];
      memcpy(sorted, win, sizeof sorted);
      qsort(sorted, WINDOW, sizeof(char *), cmp_str);
      for (int k = 0; k < WINDOW; k += 64) for (const char *p = sorted[k]; *p; p++) h = h * 31 + (uint8_t)*p;
    }
  }
  for (int i = 0; i < WINDOW; i++) free(win[i]);
  printf("h=%08x total=%lld parsed=%lld pi=%.5f\n", h, total, parsed, 3.14159265358979);
  return 0;
}
