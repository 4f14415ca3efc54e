// Shared helpers for the WASI fixtures: print an errno by name.
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *errname(int e) {
  switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EROFS: return "EROFS";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ESPIPE: return "ESPIPE";
    case EXDEV: return "EXDEV";
    case ENOSYS: return "ENOSYS";
    case ENOTSUP: return "ENOTSUP";
    default: return "E?";
  }
}

// Prints "label: OK" when r >= 0, else "label: <ERRNO>".
static void report(const char *label, long r) {
  printf("%s: %s\n", label, r >= 0 ? "OK" : errname(errno));
}
