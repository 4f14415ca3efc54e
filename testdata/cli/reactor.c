// build: -mexec-model=reactor
// Agent test fixture: a WASI reactor (no _start) whose exported functions are
// tools. `porta build` derives one tool per export with "entry" set to it; a
// call runs _initialize, then the export, with the ABI request on stdin.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_request(void) {
  unsigned char hdr[4];
  if (fread(hdr, 1, 4, stdin) != 4) return NULL;
  size_t len = hdr[0] | (hdr[1] << 8) | (hdr[2] << 16) | ((size_t)hdr[3] << 24);
  char *req = malloc(len + 1);
  if (!req || fread(req, 1, len, stdin) != len) return NULL;
  req[len] = 0;
  return req;
}

__attribute__((export_name("shout"))) void shout(void) {
  char *req = read_request();
  if (!req) {
    printf("{\"err\":\"no request\"}");
    return;
  }
  for (char *p = req; *p; p++) {
    if (*p >= 'a' && *p <= 'z') *p -= 32;
  }
  printf("{\"ok\":%s}", req);
  fflush(stdout);
}

__attribute__((export_name("count"))) void count(void) {
  char *req = read_request();
  printf("{\"ok\":%zu}", req ? strlen(req) : 0);
  fflush(stdout);
}
