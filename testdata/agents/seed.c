/*
 * The agent of the seed's example manifest (seed.manifest.json): its only
 * imports are the three WASI functions the manifest lists, fd_write,
 * fd_read and proc_exit. No libc (wasi-libc would import more): _start
 * calls them directly.
 *
 * ABI (see README "Tool-call ABI"): stdin holds a 4-byte little-endian
 * length and {"tool":NAME,"arguments":ARGS}; the answer on stdout is
 * {"ok":V} or {"err":V}.
 *   echo            -> {"ok":ARGS} (the arguments, as JSON text)
 *   _resource_read  -> the text of my-agent://readme
 *   _prompt_get     -> one user message
 */
// build: -nostdlib -fno-builtin

typedef unsigned int u32;
typedef unsigned long size_t;

struct iovec {
  const void *buf;
  size_t len;
};

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_read")))
int wasi_fd_read(int fd, struct iovec *iovs, size_t n, size_t *nread);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int wasi_fd_write(int fd, const struct iovec *iovs, size_t n, size_t *nwritten);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit"), noreturn))
void wasi_proc_exit(int code);

#define MAX_REQUEST 65536
static char request[MAX_REQUEST + 1];

static size_t length(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

static void write_all(const char *p, size_t n) {
  while (n > 0) {
    struct iovec iov = {p, n};
    size_t done = 0;
    if (wasi_fd_write(1, &iov, 1, &done) != 0 || done == 0) wasi_proc_exit(1);
    p += done;
    n -= done;
  }
}

static void write_str(const char *s) { write_all(s, length(s)); }

/* Reads exactly n bytes; returns how many arrived before end of input. */
static size_t read_exact(char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    struct iovec iov = {p + got, n - got};
    size_t r = 0;
    if (wasi_fd_read(0, &iov, 1, &r) != 0 || r == 0) break;
    got += r;
  }
  return got;
}

static int starts_with(const char *s, const char *prefix) {
  while (*prefix) {
    if (*s++ != *prefix++) return 0;
  }
  return 1;
}

/* The value after "key": in the request (Porta writes {"tool":..,"arguments":..}). */
static const char *find(const char *s, const char *key) {
  for (; *s; s++) {
    if (starts_with(s, key)) return s + length(key);
  }
  return 0;
}

void _start(void) {
  unsigned char len_bytes[4];
  if (read_exact((char *)len_bytes, 4) != 4) {
    write_str("{\"err\":\"no request on stdin\"}");
    wasi_proc_exit(0);
  }
  u32 n = len_bytes[0] | len_bytes[1] << 8 | len_bytes[2] << 16 |
          (u32)len_bytes[3] << 24;
  if (n > MAX_REQUEST || read_exact(request, n) != n) {
    write_str("{\"err\":\"request too large or cut short\"}");
    wasi_proc_exit(0);
  }
  request[n] = 0;
  const char *tool = find(request, "\"tool\":\"");
  const char *args = find(request, "\"arguments\":");
  if (tool && starts_with(tool, "echo\"") && args) {
    /* ARGS runs to the request's last character, its closing brace */
    write_str("{\"ok\":");
    write_all(args, (size_t)(request + n - 1 - args));
    write_str("}");
  } else if (tool && starts_with(tool, "_resource_read\"")) {
    write_str("{\"ok\":\"my-agent: an example agent built from testdata/agents/seed.c\"}");
  } else if (tool && starts_with(tool, "_prompt_get\"")) {
    write_str("{\"ok\":\"Say hello to the user.\"}");
  } else {
    write_str("{\"err\":\"unknown tool\"}");
  }
  wasi_proc_exit(0);
}
