// t_data write|verify FILE MIB SEED: writes MIB mebibytes of a seeded pseudo-random stream in 1 MiB
// write() calls, or reads the file back and compares every byte; prints the throughput. Generating
// and checking the stream in place is far cheaper under TCG than /dev/urandom plus md5sum.
#include "check.h"
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

enum { CHUNK = 1 << 20 };

static void fill(uint64_t *buf, uint64_t *state) {
  for (size_t i = 0; i < CHUNK / sizeof *buf; i++) {
    uint64_t x = *state;  // xorshift64
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = *state = x;
  }
}

int main(int argc, char **argv) {
  CHECK(argc == 5, "usage: t_data write|verify FILE MIB SEED");
  int writing = !strcmp(argv[1], "write");
  long mib = atol(argv[3]);
  uint64_t state = strtoull(argv[4], NULL, 10) | 1;
  static uint64_t want[CHUNK / 8], got[CHUNK / 8];
  int fd = writing ? open(argv[2], O_CREAT | O_TRUNC | O_WRONLY, 0644) : open(argv[2], O_RDONLY);
  CHECK(fd >= 0, "open %s", argv[2]);
  double start = now_seconds();
  for (long m = 0; m < mib; m++) {
    fill(want, &state);
    if (writing) {
      CHECK(write(fd, want, CHUNK) == CHUNK, "write of MiB %ld", m);
      continue;
    }
    ssize_t n = 0, r;
    while (n < CHUNK && (r = read(fd, (char *)got + n, CHUNK - n)) > 0) n += r;
    CHECK(n == CHUNK, "MiB %ld: read %zd bytes", m, n);
    if (memcmp(want, got, CHUNK)) {
      long i = 0;
      while (want[i] == got[i]) i++;
      CHECK(0, "data differs at byte %ld", m * CHUNK + i * 8);
    }
  }
  if (!writing) {
    char extra;
    CHECK(read(fd, &extra, 1) == 0, "file longer than %ld MiB", mib);
  }
  CHECK(close(fd) == 0, "close");
  double s = now_seconds() - start;
  printf("%s %ld MiB in %.2f s (%.1f MiB/s)\n", writing ? "wrote" : "verified", mib, s, mib / s);
  return 0;
}
