// Sandbox escape fixture: run with a preopen mounted at /data (read-only in
// the tests) whose host directory holds inside.txt and a symlink "link"
// pointing to its parent (outside the preopen). Each attempt prints
// "<label>: ok" or "<label>: denied" so tests can assert exact output.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/stat.h>

static void report(const char *label, int ok) {
  printf("%s: %s\n", label, ok ? "ok" : "denied");
}

static int can_open(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) return 0;
  close(fd);
  return 1;
}

int main(void) {
  report("read inside", can_open("/data/inside.txt", O_RDONLY));
  report("read dotdot", can_open("/data/../secret.txt", O_RDONLY));
  report("read absolute", can_open("/etc/passwd", O_RDONLY));
  report("read symlink out", can_open("/data/link/secret.txt", O_RDONLY));
  report("read deep dotdot", can_open("/data/sub/../../secret.txt", O_RDONLY));
  report("create", can_open("/data/new.txt", O_WRONLY | O_CREAT));
  report("truncate", can_open("/data/inside.txt", O_WRONLY | O_TRUNC));
  report("unlink", unlink("/data/inside.txt") == 0);
  report("mkdir", mkdir("/data/d", 0755) == 0);
  report("symlink", symlink("/etc", "/data/etc") == 0);
  report("rename out", rename("/data/inside.txt", "/data/../moved.txt") == 0);
  DIR *d = opendir("/data/..");
  report("list parent", d != NULL);
  if (d) closedir(d);
  report("env HOME", getenv("HOME") != NULL);
  return 0;
}
