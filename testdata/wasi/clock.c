// Clocks and sleeping: realtime is after 2020, monotonic never goes back,
// resolutions are positive, nanosleep(20ms) and usleep sleep at least that long.
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) {
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
  struct timespec rt, m1, m2, res, p;
  clock_gettime(CLOCK_REALTIME, &rt);
  printf("realtime after 2020: %s\n", rt.tv_sec > 1577836800 ? "yes" : "no");
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("monotonic res positive: %s\n", ns(res) > 0 ? "yes" : "no");
  printf("process cputime: %s\n",
         clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p) == 0 ? "ok" : "error");
  clock_gettime(CLOCK_MONOTONIC, &m1);
  struct timespec req = {0, 20 * 1000 * 1000};
  int r = nanosleep(&req, NULL);
  clock_gettime(CLOCK_MONOTONIC, &m2);
  printf("nanosleep returned %d\n", r);
  printf("slept >= 20ms: %s\n", ns(m2) - ns(m1) >= 20000000LL ? "yes" : "no");
  clock_gettime(CLOCK_MONOTONIC, &m1);
  usleep(5000);
  clock_gettime(CLOCK_MONOTONIC, &m2);
  printf("usleep >= 5ms: %s\n", ns(m2) - ns(m1) >= 5000000LL ? "yes" : "no");
  time_t t = time(NULL);
  printf("time() matches realtime: %s\n",
         (t - rt.tv_sec) >= 0 && (t - rt.tv_sec) < 5 ? "yes" : "no");
  return 0;
}
