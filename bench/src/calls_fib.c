/* Recursion / direct calls: recursive Fibonacci, Ackermann, Tak.
 * Usage: calls_fib [scale]   (default 8) */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static int ack(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

__attribute__((noinline)) static int tak(int x, int y, int z) {
  if (y >= x) return z;
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 8;
  if (scale < 1) scale = 1;
  long f = 0;
  for (int i = 0; i < scale; i++) f += fib(22 + (i & 1));
  /* call depth stays below ~700 frames so interpreters with a bounded call stack cope */
  int a = 0;
  for (int i = 0; i < scale; i++) a += ack(2, 300 + (i & 3)) + ack(3, 5);
  int t = 0;
  for (int i = 0; i < scale; i++) t += tak(14, 8, 2 + (i & 1));
  printf("fib=%ld ack=%d tak=%d\n", f, a, t);
  return 0;
}
