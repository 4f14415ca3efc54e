/*
 * Test agent for the MCP end-to-end tests and the latency benchmark.
 * Tools: ping (trivial), echo {text}, spin (never returns), grow {pages}
 * (memory.grow until the limit), log {count} (stderr lines), fail (err
 * result), trap (unreachable), exit {code}, sleep_steps {n} (busy loop of n
 * iterations). ABI: see json.h.
 */
#include "json.h"

static void grow(const char *args) {
  int64_t pages = 0;
  const char *v = args ? json_get(args, "pages") : NULL;
  if (!v || json_i64(v, &pages) != 0) return abi_err("grow needs an integer \"pages\"");
  for (int64_t i = 0; i < pages; i++) {
    if (__builtin_wasm_memory_grow(0, 1) == (size_t)-1) {
      fprintf(stderr, "memory.grow failed after %lld pages\n", (long long)i);
      abort(); /* traps: the limit shows up as an error result */
    }
  }
  char buf[64];
  int n = snprintf(buf, sizeof buf, "grew %lld pages", (long long)pages);
  abi_ok_text(buf, (size_t)n);
}

int main(void) {
  char *req = abi_read_request();
  if (!req) {
    abi_err("no request");
    return 0;
  }
  char *tool = abi_arg_string(req, "tool", NULL);
  const char *args = json_get(req, "arguments");
  if (!tool) abi_err("no tool");
  else if (!strcmp(tool, "ping")) fputs("{\"ok\":\"pong\"}", stdout);
  else if (!strcmp(tool, "echo")) {
    size_t len;
    char *text = abi_arg_string(args, "text", &len);
    if (text) abi_ok_text(text, len);
    else abi_err("echo needs \"text\"");
    free(text);
  } else if (!strcmp(tool, "spin")) {
    volatile uint64_t i = 0;
    for (;;) i++;
  } else if (!strcmp(tool, "grow")) grow(args);
  else if (!strcmp(tool, "log")) {
    int64_t count = 1;
    const char *v = args ? json_get(args, "count") : NULL;
    if (v) json_i64(v, &count);
    for (int64_t i = 1; i <= count; i++) fprintf(stderr, "log line %lld\n", (long long)i);
    fputs("{\"ok\":\"logged\"}", stdout);
  } else if (!strcmp(tool, "fail")) abi_err("this tool always fails");
  else if (!strcmp(tool, "trap")) __builtin_trap();
  else if (!strcmp(tool, "exit")) {
    int64_t code = 0;
    const char *v = args ? json_get(args, "code") : NULL;
    if (v) json_i64(v, &code);
    fflush(stdout);
    exit((int)code);
  } else if (!strcmp(tool, "sleep_steps")) {
    int64_t n = 0;
    const char *v = args ? json_get(args, "n") : NULL;
    if (v) json_i64(v, &n);
    volatile int64_t i = 0;
    while (i < n) i++;
    fputs("{\"ok\":\"done\"}", stdout);
  } else abi_err("unknown tool");
  free(tool);
  free(req);
  return 0;
}
