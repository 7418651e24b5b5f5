// t_utimens PATH ATIME MTIME: sets both times with nanoseconds (SEC.NSEC), which busybox touch
// cannot do; the scenario then checks that the server kept every digit.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>

static struct timespec parse(const char *s) {
  struct timespec ts = {0, 0};
  char frac[10] = "000000000";
  const char *dot = strchr(s, '.');
  ts.tv_sec = strtoll(s, NULL, 10);
  if (dot) {
    size_t n = strlen(dot + 1);
    CHECK(n <= 9, "at most 9 fraction digits in %s", s);
    memcpy(frac, dot + 1, n);
    ts.tv_nsec = strtol(frac, NULL, 10);
  }
  return ts;
}

int main(int argc, char **argv) {
  CHECK(argc == 4, "usage: t_utimens PATH ATIME MTIME");
  struct timespec times[2] = {parse(argv[2]), parse(argv[3])};
  CHECK(utimensat(AT_FDCWD, argv[1], times, AT_SYMLINK_NOFOLLOW) == 0, "utimensat %s", argv[1]);
  return 0;
}
