// Denial fixture (tests/cli/denial_test.ts): does one thing the grants may
// refuse and reports what the guest got, like a real program would.
//   as a program (porta run):  deny.wasm OP [PATH]
//   as an agent (porta serve): tool OP, arguments {"path": PATH}
// OP: write PATH   fopen(PATH, "w") (as flite writing its .wav)
//     read PATH    fopen(PATH, "r")
//     raw PATH     path_open(3, PATH) as given: absolute paths reach Porta
//     random       random_get
//     flood N      N x fopen("/out/flood", "w"), then one random_get
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static char req[4096];

// The string value of "key" in the request (no escapes: test input only).
static const char *field(const char *key) {
  static char out[2048];
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  const char *p = strstr(req, pat);
  if (!p) return NULL;
  p += strlen(pat);
  size_t n = 0;
  while (p[n] && p[n] != '"' && n < sizeof out - 1) n++;
  memcpy(out, p, n);
  out[n] = 0;
  return out;
}

static int act(const char *op, const char *path, char *msg, size_t cap) {
  if (strcmp(op, "write") == 0 || strcmp(op, "read") == 0) {
    FILE *f = fopen(path, op[0] == 'w' ? "w" : "r");
    if (!f) {
      snprintf(msg, cap, "can't open file %s: %s", path, strerror(errno));
      return 1;
    }
    if (op[0] == 'w') fputs("RIFF", f);
    fclose(f);
    snprintf(msg, cap, "opened %s", path);
    return 0;
  }
  if (strcmp(op, "raw") == 0) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(3, 0, path, 0, __WASI_RIGHTS_FD_READ, 0,
                                        0, &fd);
    snprintf(msg, cap, "path_open %s: errno %d", path, e);
    return e != 0;
  }
  if (strcmp(op, "random") == 0) {
    unsigned char b[8];
    __wasi_errno_t e = __wasi_random_get(b, sizeof b);
    snprintf(msg, cap, "random_get: errno %d", e);
    return e != 0;
  }
  if (strcmp(op, "flood") == 0) {
    long n = path ? atol(path) : 100000;
    long failed = 0;
    for (long i = 0; i < n; i++) {
      FILE *f = fopen("/out/flood", "w");
      if (f) fclose(f); else failed++;
    }
    unsigned char b[8];
    __wasi_errno_t e = __wasi_random_get(b, sizeof b);
    snprintf(msg, cap, "flood: %ld of %ld refused; random_get: errno %d",
             failed, n, e);
    return 0;
  }
  snprintf(msg, cap, "unknown op %s", op);
  return 2;
}

int main(int argc, char **argv) {
  char msg[4200];
  if (argc > 1) {
    int rc = act(argv[1], argc > 2 ? argv[2] : NULL, msg, sizeof msg);
    fprintf(rc ? stderr : stdout, "%s\n", msg);
    return rc;
  }
  unsigned char hdr[4];
  if (fread(hdr, 1, 4, stdin) != 4) return 2;
  size_t len = hdr[0] | (hdr[1] << 8) | (hdr[2] << 16) | ((size_t)hdr[3] << 24);
  if (len >= sizeof req || fread(req, 1, len, stdin) != len) return 2;
  req[len] = 0;
  char tool[64] = "";
  const char *t = field("tool");
  if (t) snprintf(tool, sizeof tool, "%s", t);
  const char *p = field("path");
  char path[2048] = "";
  if (p) snprintf(path, sizeof path, "%s", p);
  act(tool, p ? path : NULL, msg, sizeof msg);
  printf("{\"ok\":\"%s\"}", msg);
  return 0;
}
