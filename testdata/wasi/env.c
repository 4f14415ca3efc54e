// Prints every environment variable, then getenv of argv[1] (if given).
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  int n = 0;
  for (char **e = environ; *e; e++, n++) printf("env: %s\n", *e);
  printf("count=%d\n", n);
  if (argc > 1) {
    const char *v = getenv(argv[1]);
    printf("getenv(%s)=%s\n", argv[1], v ? v : "(null)");
  }
  return 0;
}
