/*
 * The network test agent (ABI v2, "porta/fetch"; built by testdata/build.sh;
 * used by tests/agent/net_test.ts and tests/cli/net_test.ts). Tools:
 *
 *   fetch {params}           one porta/fetch request with `params` as given;
 *                            the result's text is Porta's whole answer
 *                            ({"result": ...} or {"error": ...}) as JSON
 *   many {params, n}         the same request n times, each answer read
 *                            before the next request; the text is the
 *                            answers, one JSON per line
 *   pipelined {a, b}         two requests (params a, then b) written before
 *                            either answer is read; the answers, one per line
 *   dump {params}            getenv("API_TOKEN") (which loads the whole
 *                            environment into memory), one request, then
 *                            {"answer": ..., "env": VALUE|null,
 *                            "memory": BASE64 of all of linear memory}: the
 *                            tests scan the guest's memory for secrets
 */
#include "json.h"

static void frame_end(void) {
  fputs("\n", stdout);
  fflush(stdout);
}

/* The raw JSON text of args[key] (malloc'd) or "{}". */
static char *raw_member(const char *args, const char *key) {
  const char *v = args ? json_get(args, key) : NULL;
  const char *end = v ? json_skip(v) : NULL;
  if (!v || !end) return strdup("{}");
  size_t n = (size_t)(end - v);
  char *out = malloc(n + 1);
  memcpy(out, v, n);
  out[n] = 0;
  return out;
}

static void send_request(const char *params) {
  printf("{\"request\":{\"method\":\"porta/fetch\",\"params\":%s}}", params);
  frame_end();
}

static char *read_answer(void) {
  clearerr(stdin);
  char *a = abi_read_request();
  return a ? a : strdup("null");
}

static void text_result(const char *text, size_t len) {
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":", stdout);
  json_put_string(stdout, text, len);
  fputs("}]}}", stdout);
  frame_end();
}

static void fetch_once(const char *args) {
  char *params = raw_member(args, "params");
  send_request(params);
  char *answer = read_answer();
  text_result(answer, strlen(answer));
  free(answer);
  free(params);
}

static void many(const char *args) {
  char *params = raw_member(args, "params");
  int64_t n = 1;
  const char *nv = args ? json_get(args, "n") : NULL;
  if (nv) json_i64(nv, &n);
  char *all = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&all, &size);
  for (int64_t i = 0; i < n; i++) {
    send_request(params);
    char *answer = read_answer();
    fputs(answer, f);
    fputc('\n', f);
    free(answer);
  }
  fclose(f);
  text_result(all, size);
  free(all);
  free(params);
}

static void pipelined(const char *args) {
  char *a = raw_member(args, "a");
  char *b = raw_member(args, "b");
  send_request(a);
  send_request(b);
  char *ra = read_answer();
  char *rb = read_answer();
  char *all = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&all, &size);
  fprintf(f, "%s\n%s\n", ra, rb);
  fclose(f);
  text_result(all, size);
  free(all);
  free(ra);
  free(rb);
  free(a);
  free(b);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Writes bytes [p, p+n) as base64 (no quotes). */
static void put_base64(FILE *f, const volatile unsigned char *p, size_t n) {
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    unsigned v = ((unsigned)p[i] << 16) | ((unsigned)p[i + 1] << 8) | p[i + 2];
    fputc(B64[v >> 18], f);
    fputc(B64[(v >> 12) & 63], f);
    fputc(B64[(v >> 6) & 63], f);
    fputc(B64[v & 63], f);
  }
  if (i < n) {
    unsigned v = (unsigned)p[i] << 16;
    if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
    fputc(B64[v >> 18], f);
    fputc(B64[(v >> 12) & 63], f);
    fputc(i + 1 < n ? B64[(v >> 6) & 63] : '=', f);
    fputc('=', f);
  }
}

static volatile uintptr_t memory_start = 0;

static void dump(const char *args) {
  const char *token = getenv("API_TOKEN");
  char *params = raw_member(args, "params");
  send_request(params);
  char *answer = read_answer();
  fputs("{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"dump\"}],"
        "\"structuredContent\":{\"answer\":",
        stdout);
  fputs(answer, stdout);
  fputs(",\"env\":", stdout);
  if (token) json_put_string(stdout, token, strlen(token));
  else fputs("null", stdout);
  fputs(",\"memory\":\"", stdout);
  /* the whole linear memory, as it is now (the answer is still in it) */
  size_t bytes = __builtin_wasm_memory_size(0) * 65536;
  put_base64(stdout, (const volatile unsigned char *)memory_start, bytes);
  fputs("\"}}}", stdout);
  frame_end();
  free(answer);
  free(params);
}

int main(void) {
  char *req = abi_read_request();
  if (!req) return 1;
  size_t tlen;
  char *tool = abi_arg_string(req, "tool", &tlen);
  const char *args = json_get(req, "arguments");
  if (!tool) {
    fputs("{\"error\":{\"message\":\"no tool\"}}", stdout);
    frame_end();
  } else if (!strcmp(tool, "fetch")) fetch_once(args);
  else if (!strcmp(tool, "many")) many(args);
  else if (!strcmp(tool, "pipelined")) pipelined(args);
  else if (!strcmp(tool, "dump")) dump(args);
  else {
    fputs("{\"error\":{\"message\":\"unknown tool\"}}", stdout);
    frame_end();
  }
  free(tool);
  free(req);
  return 0;
}
