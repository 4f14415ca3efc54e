// File operations inside the writable preopen /sandbox: create, write, read,
// seek, tell, truncate, stat, append, pread/pwrite, O_EXCL, fdstat rights.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

int main(void) {
  char buf[64];
  int fd = open("/sandbox/a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  report("create", fd);
  report("write", write(fd, "hello world\n", 12));
  printf("tell after write: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  printf("seek set 6: %ld\n", (long)lseek(fd, 6, SEEK_SET));
  memset(buf, 0, sizeof buf);
  printf("read: %ld '%s'\n", (long)read(fd, buf, 5), buf);
  printf("seek end -3: %ld\n", (long)lseek(fd, -3, SEEK_END));
  report("seek before start", lseek(fd, -100, SEEK_SET));
  struct stat st;
  report("fstat", fstat(fd, &st));
  printf("size: %lld regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  report("ftruncate 5", ftruncate(fd, 5));
  fstat(fd, &st);
  printf("size after truncate: %lld\n", (long long)st.st_size);
  report("pwrite", pwrite(fd, "HE", 2, 0));
  memset(buf, 0, sizeof buf);
  printf("pread: %ld '%s'\n", (long)pread(fd, buf, 10, 0), buf);
  printf("position unchanged by pread/pwrite: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  report("close", close(fd));
  report("close again", close(fd));

  fd = open("/sandbox/a.txt", O_WRONLY | O_APPEND);
  report("open append", fd);
  report("append write", write(fd, "!!", 2));
  close(fd);
  FILE *f = fopen("/sandbox/a.txt", "r");
  memset(buf, 0, sizeof buf);
  fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  printf("content: '%s'\n", buf);

  report("O_EXCL on existing", open("/sandbox/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  report("open missing", open("/sandbox/missing.txt", O_RDONLY));
  report("O_DIRECTORY on file", open("/sandbox/a.txt", O_RDONLY | O_DIRECTORY));
  report("open dir for write", open("/sandbox", O_WRONLY));

  fd = open("/sandbox/a.txt", O_RDONLY);
  report("write to read-only fd", write(fd, "x", 1));
  close(fd);

  report("stat", stat("/sandbox/a.txt", &st));
  printf("stat size: %lld\n", (long long)st.st_size);
  report("stat dir", stat("/sandbox", &st));
  printf("is dir: %d\n", S_ISDIR(st.st_mode));
  report("lseek on stdout", lseek(1, 0, SEEK_CUR));

  // A large write/read round trip through several iovecs (stdio buffering).
  f = fopen("/sandbox/big.bin", "wb");
  for (int i = 0; i < 100000; i++) fputc(i % 251, f);
  fclose(f);
  f = fopen("/sandbox/big.bin", "rb");
  long sum = 0, count = 0;
  int c;
  while ((c = fgetc(f)) != EOF) { sum += c; count++; }
  fclose(f);
  printf("big: %ld bytes, sum %ld\n", count, sum);
  return 0;
}
