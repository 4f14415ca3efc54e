// Directory operations inside /sandbox: mkdir, readdir, rmdir, rename, unlink.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

static int cmp(const void *a, const void *b) {
  return strcmp(*(const char **)a, *(const char **)b);
}

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) { printf("opendir %s: %s\n", path, errname(errno)); return; }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s%s", e->d_name,
             e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
    names[n++] = strdup(tmp);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("ls %s:", path);
  for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

static void touch(const char *p) {
  int fd = open(p, O_CREAT | O_WRONLY, 0644);
  if (fd >= 0) { write(fd, "x", 1); close(fd); }
}

int main(void) {
  report("mkdir d", mkdir("/sandbox/d", 0755));
  report("mkdir d again", mkdir("/sandbox/d", 0755));
  report("mkdir d/e", mkdir("/sandbox/d/e", 0755));
  report("mkdir missing parent", mkdir("/sandbox/nope/x", 0755));
  touch("/sandbox/d/f1");
  touch("/sandbox/d/f2");
  list("/sandbox/d");
  report("rmdir non-empty", rmdir("/sandbox/d"));
  report("rmdir file", rmdir("/sandbox/d/f1"));
  report("unlink dir", unlink("/sandbox/d/e"));
  report("rename f1 -> e/g", rename("/sandbox/d/f1", "/sandbox/d/e/g"));
  report("rename dir d/e -> d/e2", rename("/sandbox/d/e", "/sandbox/d/e2"));
  list("/sandbox/d");
  list("/sandbox/d/e2");
  report("rename missing", rename("/sandbox/d/zzz", "/sandbox/d/yyy"));
  report("unlink g", unlink("/sandbox/d/e2/g"));
  report("unlink g again", unlink("/sandbox/d/e2/g"));
  report("rmdir e2", rmdir("/sandbox/d/e2"));
  report("unlink f2", unlink("/sandbox/d/f2"));
  report("rmdir d", rmdir("/sandbox/d"));
  list("/sandbox");
  // Many entries: readdir must continue across fd_readdir calls (cookies).
  mkdir("/sandbox/many", 0755);
  char p[64];
  for (int i = 0; i < 150; i++) {
    snprintf(p, sizeof p, "/sandbox/many/file-with-a-longish-name-%03d", i);
    touch(p);
  }
  DIR *d = opendir("/sandbox/many");
  int n = 0;
  while (readdir(d)) n++;
  closedir(d);
  printf("many entries (with . and ..): %d\n", n);
  return 0;
}
