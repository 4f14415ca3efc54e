// Every sandbox escape attempt we know of; each must fail. The host test
// prepares: ../secret.txt outside the preopen, and inside /sandbox:
//   inside.txt, link_out -> ../secret.txt, abs_link -> <absolute secret>,
//   dirlink -> .., chain1 -> chain2 -> sub/chain3 -> ../../secret.txt,
//   ok1 -> ok2 -> inside.txt. /ro is a read-only preopen with ro.txt.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

static void try_open(const char *label, const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd >= 0) {
    char buf[32] = {0};
    read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s: OPENED '%s'\n", label, buf);
  } else {
    printf("%s: %s\n", label, errname(errno));
  }
}

int main(void) {
  try_open("dotdot", "/sandbox/../secret.txt", O_RDONLY);
  try_open("dotdot deep", "/sandbox/sub/../../secret.txt", O_RDONLY);
  try_open("relative dotdot", "../secret.txt", O_RDONLY);
  try_open("absolute", "/etc/passwd", O_RDONLY);
  try_open("symlink out", "/sandbox/link_out", O_RDONLY);
  try_open("absolute symlink", "/sandbox/abs_link", O_RDONLY);
  try_open("dir symlink", "/sandbox/dirlink/secret.txt", O_RDONLY);
  try_open("chain out", "/sandbox/chain1", O_RDONLY);
  try_open("chain inside", "/sandbox/ok1", O_RDONLY);
  try_open("create through symlink", "/sandbox/link_out", O_WRONLY | O_CREAT);
  try_open("loop", "/sandbox/loop1", O_RDONLY);
  struct stat st;
  report("stat symlink out", stat("/sandbox/link_out", &st));
  report("lstat symlink out", lstat("/sandbox/link_out", &st));
  report("guest symlink to /etc", symlink("/etc", "/sandbox/etc_link"));
  report("guest symlink ../..", symlink("../..", "/sandbox/up_link"));
  report("guest symlink escaping from sub", symlink("../../x", "/sandbox/sub/up2"));
  report("guest symlink inside", symlink("inside.txt", "/sandbox/in_link"));
  try_open("guest symlink inside read", "/sandbox/in_link", O_RDONLY);
  report("hard link to outside", link("/sandbox/../secret.txt", "/sandbox/hl1"));
  report("hard link of symlink", link("/sandbox/link_out", "/sandbox/hl2"));
  try_open("open hard-linked symlink", "/sandbox/hl2", O_RDONLY);
  report("hard link following symlink",
         linkat(AT_FDCWD, "/sandbox/link_out", AT_FDCWD, "/sandbox/hl3",
                AT_SYMLINK_FOLLOW));
  report("rename to outside", rename("/sandbox/inside.txt", "/sandbox/../stolen.txt"));
  report("rename from outside", rename("/sandbox/../secret.txt", "/sandbox/got.txt"));
  report("mkdir outside", mkdir("/sandbox/../newdir", 0755));
  report("unlink outside", unlink("/sandbox/../secret.txt"));
  report("unlink through dir symlink", unlink("/sandbox/dirlink/secret.txt"));
  int dfd = open("/sandbox/sub", O_RDONLY | O_DIRECTORY);
  report("open sub", dfd);
  int fd = openat(dfd, "../inside.txt", O_RDONLY);
  report("openat above dirfd", fd);
  try_open("read-only preopen read", "/ro/ro.txt", O_RDONLY);
  try_open("read-only preopen write", "/ro/ro.txt", O_WRONLY);
  try_open("read-only preopen create", "/ro/new.txt", O_WRONLY | O_CREAT);
  report("read-only preopen mkdir", mkdir("/ro/d", 0755));
  report("read-only preopen unlink", unlink("/ro/ro.txt"));
  report("read-only preopen rename", rename("/ro/ro.txt", "/ro/x.txt"));
  report("read-only preopen symlink", symlink("ro.txt", "/ro/l"));
  report("rename ro -> sandbox", rename("/ro/ro.txt", "/sandbox/moved.txt"));
  return 0;
}
