/*
 * A tiny JSON reader/writer for Porta's demo and test agents (WASI, C).
 * Reading works in place on a NUL-terminated buffer: json_get() finds a key
 * in an object, json_string() decodes a string value (escapes, \uXXXX with
 * surrogate pairs -> UTF-8), json_i64() reads an integer. Writing:
 * json_put_string() writes a JSON string literal with escapes.
 *
 * The tool-call ABI: stdin = 4-byte little-endian length + UTF-8 JSON
 * {"tool":NAME,"arguments":ARGS}; stdout = {"ok":VALUE} or {"err":VALUE}.
 */
#ifndef PORTA_JSON_H
#define PORTA_JSON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *json_ws(const char *p) {
  while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

/* Returns the position after the value starting at p (after whitespace), or NULL. */
static const char *json_skip(const char *p) {
  p = json_ws(p);
  if (!p || !*p) return NULL;
  if (*p == '"') {
    p++;
    while (*p && *p != '"') {
      if (*p == '\\') {
        p++;
        if (!*p) return NULL;
      }
      p++;
    }
    return *p == '"' ? p + 1 : NULL;
  }
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    p = json_ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        p = json_skip(p); /* key */
        p = json_ws(p);
        if (!p || *p != ':') return NULL;
        p++;
      }
      p = json_ws(json_skip(p));
      if (!p) return NULL;
      if (*p == ',') {
        p++;
        continue;
      }
      return *p == close ? p + 1 : NULL;
    }
  }
  /* number, true, false, null */
  const char *s = p;
  while (*p && strchr("+-0123456789.eEtruefalsn", *p)) p++;
  return p > s ? p : NULL;
}

/* Decodes the string at p into a malloc'd UTF-8 buffer; *len gets its length. NULL if not a string. */
static char *json_string(const char *p, size_t *len) {
  p = json_ws(p);
  if (!p || *p != '"') return NULL;
  const char *end = json_skip(p);
  if (!end) return NULL;
  char *out = malloc((size_t)(end - p) + 1), *o = out;
  for (p++; *p != '"'; p++) {
    if (*p != '\\') {
      *o++ = *p;
      continue;
    }
    p++;
    switch (*p) {
      case 'n': *o++ = '\n'; break;
      case 't': *o++ = '\t'; break;
      case 'r': *o++ = '\r'; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'u': {
        uint32_t c = (uint32_t)strtoul((char[]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
        p += 4;
        if (c >= 0xD800 && c < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
          uint32_t lo = (uint32_t)strtoul((char[]){p[3], p[4], p[5], p[6], 0}, NULL, 16);
          if (lo >= 0xDC00 && lo < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
          }
        }
        if (c < 0x80) *o++ = (char)c;
        else if (c < 0x800) {
          *o++ = (char)(0xC0 | (c >> 6));
          *o++ = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
          *o++ = (char)(0xE0 | (c >> 12));
          *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
          *o++ = (char)(0x80 | (c & 0x3F));
        } else {
          *o++ = (char)(0xF0 | (c >> 18));
          *o++ = (char)(0x80 | ((c >> 12) & 0x3F));
          *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
          *o++ = (char)(0x80 | (c & 0x3F));
        }
        break;
      }
      default: *o++ = *p; break; /* \" \\ \/ */
    }
  }
  *o = 0;
  if (len) *len = (size_t)(o - out);
  return out;
}

/* Finds `key` in the object at p; returns the start of its value or NULL. */
static const char *json_get(const char *p, const char *key) {
  p = json_ws(p);
  if (!p || *p != '{') return NULL;
  p = json_ws(p + 1);
  if (*p == '}') return NULL;
  for (;;) {
    size_t klen;
    char *k = json_string(p, &klen);
    if (!k) return NULL;
    p = json_ws(json_skip(p));
    if (!p || *p != ':') {
      free(k);
      return NULL;
    }
    p = json_ws(p + 1);
    int match = strcmp(k, key) == 0;
    free(k);
    if (match) return p;
    p = json_ws(json_skip(p));
    if (!p || *p != ',') return NULL;
    p = json_ws(p + 1);
  }
}

/* Reads an integer value at p. Returns 0 on success. */
static int json_i64(const char *p, int64_t *out) {
  p = json_ws(p);
  if (!p || !(*p == '-' || (*p >= '0' && *p <= '9'))) return -1;
  char *end;
  *out = strtoll(p, &end, 10);
  return (*end == '.' || *end == 'e' || *end == 'E') ? -1 : 0;
}

/* Writes s[0..len) as a JSON string literal. */
static void json_put_string(FILE *f, const char *s, size_t len) {
  fputc('"', f);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      fputc('\\', f);
      fputc(c, f);
    } else if (c == '\n') fputs("\\n", f);
    else if (c == '\r') fputs("\\r", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

/* Reads the framed request from stdin into a malloc'd NUL-terminated buffer. */
static char *abi_read_request(void) {
  unsigned char hdr[4];
  if (fread(hdr, 1, 4, stdin) != 4) return NULL;
  uint32_t n = (uint32_t)hdr[0] | ((uint32_t)hdr[1] << 8) | ((uint32_t)hdr[2] << 16) |
               ((uint32_t)hdr[3] << 24);
  char *buf = malloc((size_t)n + 1);
  if (!buf) return NULL;
  size_t got = fread(buf, 1, n, stdin);
  buf[got] = 0;
  return buf;
}

/* {"ok":"text"} */
static void abi_ok_text(const char *s, size_t len) {
  fputs("{\"ok\":", stdout);
  json_put_string(stdout, s, len);
  fputs("}", stdout);
}

/* {"err":"text"} */
static void abi_err(const char *msg) {
  fputs("{\"err\":", stdout);
  json_put_string(stdout, msg, strlen(msg));
  fputs("}", stdout);
}

/* Returns the string argument `key` of args (malloc'd) or NULL. */
static char *abi_arg_string(const char *args, const char *key, size_t *len) {
  const char *v = args ? json_get(args, key) : NULL;
  return v ? json_string(v, len) : NULL;
}

#endif
