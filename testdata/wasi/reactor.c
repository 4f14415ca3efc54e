// build: -mexec-model=reactor
// A reactor (no main): _initialize runs constructors, then exports are called.
#include <stdio.h>
#include <stdlib.h>

static int counter;

__attribute__((constructor)) static void init(void) {
  const char *start = getenv("START");
  counter = start ? atoi(start) : 41;
}

__attribute__((export_name("greet"))) int greet(void) {
  printf("hello from reactor %d\n", ++counter);
  fflush(stdout);
  return counter;
}
