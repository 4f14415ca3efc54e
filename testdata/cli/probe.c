// CLI test fixture: a WASI command whose behaviour is chosen by argv[1].
//   hello        "hello, world" on stdout, "to stderr" on stderr, exit 0
//   args         each argv entry on its own line
//   env          every environment variable (sorted as given) on its own line
//   exit N       exit with code N
//   trap         executes `unreachable`
//   loop         never ends
//   spin         prints "running" (flushed), then never ends
//   grow         allocates 1 MiB blocks until malloc fails; prints the count, exits 4
//   cat          copies stdin to stdout
//   big N        writes N bytes of 'x' to stdout
//   elog NAME    prints "log: NAME=<value>" to stderr
//   read PATH    prints the file's contents (exit 1 with the error when it cannot)
//   write PATH T writes T to the file (exit 1 with the error when it cannot)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: probe hello|args|env|exit N|trap|loop|grow|cat|big N\n");
    return 64;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "hello") == 0) {
    printf("hello, world\n");
    fprintf(stderr, "to stderr\n");
    return 0;
  }
  if (strcmp(cmd, "args") == 0) {
    for (int i = 0; i < argc; i++) printf("%s\n", argv[i]);
    return 0;
  }
  if (strcmp(cmd, "env") == 0) {
    for (char **e = environ; e && *e; e++) printf("%s\n", *e);
    return 0;
  }
  if (strcmp(cmd, "exit") == 0 && argc > 2) {
    printf("exiting with %s\n", argv[2]);
    return atoi(argv[2]);
  }
  if (strcmp(cmd, "trap") == 0) {
    __builtin_trap();
  }
  if (strcmp(cmd, "spin") == 0) {
    printf("running\n");
    fflush(stdout);
    volatile unsigned long n = 0;
    for (;;) n++;
  }
  if (strcmp(cmd, "loop") == 0) {
    volatile unsigned long n = 0;
    for (;;) n++;
  }
  if (strcmp(cmd, "grow") == 0) {
    int count = 0;
    for (;;) {
      char *volatile p = malloc(1 << 20);
      if (p == NULL) break;
      p[0] = 1;
      count++;
    }
    printf("allocated %d MiB\n", count);
    return 4;
  }
  if (strcmp(cmd, "cat") == 0) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, stdout);
    return 0;
  }
  if (strcmp(cmd, "big") == 0 && argc > 2) {
    long n = atol(argv[2]);
    for (long i = 0; i < n; i++) putchar('x');
    return 0;
  }
  if (strcmp(cmd, "elog") == 0 && argc > 2) {
    const char *v = getenv(argv[2]);
    fprintf(stderr, "log: %s=%s\n", argv[2], v ? v : "(unset)");
    return 0;
  }
  if (strcmp(cmd, "read") == 0 && argc > 2) {
    FILE *f = fopen(argv[2], "r");
    if (!f) {
      printf("cannot read %s: %s\n", argv[2], strerror(errno));
      return 1;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
  }
  if (strcmp(cmd, "write") == 0 && argc > 3) {
    FILE *f = fopen(argv[2], "w");
    if (!f) {
      printf("cannot write %s: %s\n", argv[2], strerror(errno));
      return 1;
    }
    fputs(argv[3], f);
    fclose(f);
    printf("wrote %s\n", argv[2]);
    return 0;
  }
  fprintf(stderr, "probe: unknown command %s\n", cmd);
  return 64;
}
