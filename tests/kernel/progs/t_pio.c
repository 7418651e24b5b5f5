// t_pio FILE: pwrite/pread at odd offsets and lengths (unaligned to pages and to the 9P message
// size, across holes and the end of file), checked against an in-memory model of the file.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MODEL = 3 << 20 };

static unsigned char model[MODEL], buf[MODEL];

int main(int argc, char **argv) {
  CHECK(argc == 2, "usage: t_pio FILE");
  int fd = open(argv[1], O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(fd >= 0, "create %s", argv[1]);
  static const struct { long off, len; } writes[] = {
      {1, 1}, {4093, 7}, {65533, 4099}, {1000003, 200001}, {2 * 1048576 - 5, 131073},
      {131071, 65537}, {0, 1}, {1048575, 2}, {2500000, 3},
  };
  long end = 0;
  unsigned seed = 12345;
  for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
    for (long j = 0; j < writes[i].len; j++) {
      seed = seed * 1103515245 + 12345;
      buf[j] = seed >> 16;
    }
    ssize_t n = pwrite(fd, buf, writes[i].len, writes[i].off);
    CHECK(n == writes[i].len, "pwrite %ld at %ld returned %zd", writes[i].len, writes[i].off, n);
    memcpy(model + writes[i].off, buf, writes[i].len);
    if (writes[i].off + writes[i].len > end) end = writes[i].off + writes[i].len;
  }
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == end, "size %lld, expected %ld", (long long)st.st_size, end);
  static const struct { long off, len; } reads[] = {
      {0, 3}, {4090, 20}, {65530, 5000}, {999999, 200010}, {1, MODEL - 2}, {2097150, 131080},
      {131070, 65540}, {1048574, 4}, {2499999, 10}, {1500000, 1},
  };
  for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
    long want = reads[i].len;
    if (reads[i].off + want > end) want = end > reads[i].off ? end - reads[i].off : 0;
    memset(buf, 0xAA, reads[i].len);
    ssize_t n = pread(fd, buf, reads[i].len, reads[i].off);
    CHECK(n == want, "pread %ld at %ld returned %zd, expected %ld", reads[i].len, reads[i].off, n, want);
    for (long j = 0; j < want; j++)
      CHECK(buf[j] == model[reads[i].off + j], "byte at %ld is %#x, expected %#x", reads[i].off + j,
            buf[j], model[reads[i].off + j]);
  }
  CHECK(pread(fd, buf, 10, end + 100) == 0, "pread past the end must return 0");
  close(fd);
  printf("%zu odd pwrites and %zu odd preads match\n", sizeof writes / sizeof writes[0],
         sizeof reads / sizeof reads[0]);
  return 0;
}
