/*
 * Porta demo agent (WASI preview1 command, built by testdata/build.sh).
 * Tools: word_count {text}, reverse {text}, fib {n} (64-bit), sha256 {text}.
 * Resource: demo://readme. Prompt: summarize {topic, style?}.
 * ABI: see json.h. Each call runs in a fresh instance, so no state survives.
 */
#include "json.h"

static void word_count(const char *args) {
  size_t len;
  char *text = abi_arg_string(args, "text", &len);
  if (!text) return abi_err("word_count needs a string argument \"text\"");
  long words = 0, lines = len ? 1 : 0, chars = 0;
  int in_word = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if ((c & 0xC0) != 0x80) chars++;
    if (c == '\n') lines++;
    int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) words++;
    in_word = !space;
  }
  fprintf(stderr, "word_count: %zu bytes\n", len);
  printf("{\"ok\":{\"words\":%ld,\"lines\":%ld,\"characters\":%ld}}", words, lines, chars);
  free(text);
}

static void reverse(const char *args) {
  size_t len;
  char *text = abi_arg_string(args, "text", &len);
  if (!text) return abi_err("reverse needs a string argument \"text\"");
  char *out = malloc(len + 1);
  size_t o = len;
  /* reverse by UTF-8 code point, keeping each sequence intact */
  for (size_t i = 0; i < len;) {
    size_t n = 1;
    while (i + n < len && (((unsigned char)text[i + n]) & 0xC0) == 0x80) n++;
    o -= n;
    memcpy(out + o, text + i, n);
    i += n;
  }
  abi_ok_text(out, len);
  free(out);
  free(text);
}

static void fib(const char *args) {
  int64_t n;
  const char *v = args ? json_get(args, "n") : NULL;
  if (!v || json_i64(v, &n) != 0) return abi_err("fib needs an integer argument \"n\"");
  if (n < 0 || n > 92) return abi_err("n must be between 0 and 92 (fib(93) overflows 64 bits)");
  uint64_t a = 0, b = 1;
  for (int64_t i = 0; i < n; i++) {
    uint64_t t = a + b;
    a = b;
    b = t;
  }
  char buf[64];
  int len = snprintf(buf, sizeof buf, "fib(%lld) = %llu", (long long)n, (unsigned long long)a);
  abi_ok_text(buf, (size_t)len);
}

/* ---- SHA-256 (FIPS 180-4) ---- */
static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void sha256(const char *args) {
  size_t len;
  char *text = abi_arg_string(args, "text", &len);
  if (!text) return abi_err("sha256 needs a string argument \"text\"");
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t i = 0;
  for (; i + 64 <= len; i += 64) sha256_block(h, (const unsigned char *)text + i);
  unsigned char tail[128] = {0};
  size_t rest = len - i;
  memcpy(tail, text + i, rest);
  tail[rest] = 0x80;
  size_t blocks = rest + 9 > 64 ? 2 : 1;
  uint64_t bits = (uint64_t)len * 8;
  for (int j = 0; j < 8; j++) tail[blocks * 64 - 1 - j] = (unsigned char)(bits >> (8 * j));
  for (size_t j = 0; j < blocks; j++) sha256_block(h, tail + 64 * j);
  char hex[65];
  for (int j = 0; j < 8; j++) snprintf(hex + 8 * j, 9, "%08x", h[j]);
  abi_ok_text(hex, 64);
  free(text);
}

static const char README[] =
    "# Porta demo agent\n\n"
    "A WebAssembly (WASI) agent served over MCP by Porta. Every call runs in a\n"
    "fresh sandboxed instance of the compiled module, with step, memory and time\n"
    "limits.\n\n"
    "Tools: word_count {text}, reverse {text}, fib {n}, sha256 {text}.\n"
    "Prompt: summarize {topic, style?}.\n";

static void resource_read(const char *args) {
  size_t len;
  char *uri = abi_arg_string(args, "uri", &len);
  if (uri && strcmp(uri, "demo://readme") == 0) abi_ok_text(README, sizeof README - 1);
  else abi_err("unknown resource");
  free(uri);
}

static void prompt_get(const char *args) {
  char *name = abi_arg_string(args, "prompt", NULL);
  const char *pargs = args ? json_get(args, "arguments") : NULL;
  if (!name || strcmp(name, "summarize") != 0) {
    free(name);
    return abi_err("unknown prompt");
  }
  size_t tlen = 0, slen = 0;
  char *topic = abi_arg_string(pargs, "topic", &tlen);
  char *style = abi_arg_string(pargs, "style", &slen);
  if (!topic) {
    free(name);
    return abi_err("summarize needs a \"topic\"");
  }
  fputs("{\"ok\":{\"description\":\"Summarize a topic\",\"messages\":[{\"role\":\"user\","
        "\"content\":{\"type\":\"text\",\"text\":",
        stdout);
  size_t cap = tlen + slen + 128;
  char *msg = malloc(cap);
  int n = snprintf(msg, cap, "Summarize %s in three %s sentences.", topic,
                   style ? style : "plain");
  json_put_string(stdout, msg, (size_t)n);
  fputs("}}]}}", stdout);
  free(msg);
  free(topic);
  free(style);
  free(name);
}

int main(void) {
  char *req = abi_read_request();
  if (!req) {
    abi_err("no request on stdin (this module speaks the Porta tool-call ABI)");
    return 0;
  }
  char *tool = abi_arg_string(req, "tool", NULL);
  const char *args = json_get(req, "arguments");
  if (!tool) abi_err("request without a tool name");
  else if (!strcmp(tool, "word_count")) word_count(args);
  else if (!strcmp(tool, "reverse")) reverse(args);
  else if (!strcmp(tool, "fib")) fib(args);
  else if (!strcmp(tool, "sha256")) sha256(args);
  else if (!strcmp(tool, "_resource_read")) resource_read(args);
  else if (!strcmp(tool, "_prompt_get")) prompt_get(args);
  else abi_err("unknown tool");
  free(tool);
  free(req);
  return 0;
}
