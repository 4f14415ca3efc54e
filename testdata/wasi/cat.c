// Copies stdin to stdout, then prints the byte count to stderr.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[4096];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    ssize_t off = 0;
    while (off < n) {
      ssize_t w = write(1, buf + off, n - off);
      if (w <= 0) return 1;
      off += w;
    }
    total += n;
  }
  fprintf(stderr, "bytes=%ld\n", total);
  return n < 0 ? 2 : 0;
}
