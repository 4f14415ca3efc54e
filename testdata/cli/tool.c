// Agent test fixture implementing the Porta tool-call ABI: stdin holds a
// 4-byte little-endian length and the JSON request {"tool":..,"arguments":..}.
//   tool "echo"    -> {"ok": <the whole request>}
//   tool "text"    -> {"ok": "plain text result"}
//   tool "fail"    -> {"err": "the tool failed"}
//   tool "raw"     -> unframed text
//   tool "trap"    -> executes `unreachable`
//   tool "spin"    -> never ends
//   tool "big"     -> 1.25 MiB of output
//   tool "stderr"  -> "log line" on stderr, then {"ok":"done"}
//   tool "exit3"   -> exits with code 3
//   tool "secret"  -> {"ok": "<value of $TOKEN>"}
//   _resource_read / _prompt_get -> {"ok": <the whole request>}
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_tool(const char *req, const char *name) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"tool\":\"%s\"", name);
  return strstr(req, pat) != NULL;
}

int main(void) {
  unsigned char hdr[4];
  if (fread(hdr, 1, 4, stdin) != 4) {
    printf("{\"err\":\"no request\"}");
    return 2;
  }
  size_t len = hdr[0] | (hdr[1] << 8) | (hdr[2] << 16) | ((size_t)hdr[3] << 24);
  char *req = malloc(len + 1);
  if (!req || fread(req, 1, len, stdin) != len) {
    printf("{\"err\":\"short request\"}");
    return 2;
  }
  req[len] = 0;
  if (is_tool(req, "text")) {
    printf("{\"ok\":\"plain text result\"}");
  } else if (is_tool(req, "fail")) {
    printf("{\"err\":\"the tool failed\"}");
  } else if (is_tool(req, "raw")) {
    printf("raw output, not JSON");
  } else if (is_tool(req, "trap")) {
    __builtin_trap();
  } else if (is_tool(req, "spin")) {
    volatile unsigned long n = 0;
    for (;;) n++;
  } else if (is_tool(req, "big")) {
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 20; i++) fwrite(chunk, 1, sizeof chunk, stdout);
  } else if (is_tool(req, "stderr")) {
    fprintf(stderr, "log line\n");
    fflush(stderr);
    printf("{\"ok\":\"done\"}");
  } else if (is_tool(req, "exit3")) {
    printf("partial");
    fflush(stdout);
    exit(3);
  } else if (is_tool(req, "secret")) {
    const char *v = getenv("TOKEN");
    printf("{\"ok\":\"token=%s\"}", v ? v : "(unset)");
  } else {
    printf("{\"ok\":%s}", req);
  }
  return 0;
}
