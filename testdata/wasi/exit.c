// Exits with the code given as argv[1]; "trap" traps instead, "return"
// returns 7 from main.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2) return 0;
  if (strcmp(argv[1], "return") == 0) return 7;
  if (strcmp(argv[1], "trap") == 0) __builtin_trap();
  printf("exiting with %s\n", argv[1]);
  fflush(stdout);
  exit(atoi(argv[1]));
}
