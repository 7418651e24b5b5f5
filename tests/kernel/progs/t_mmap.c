// t_mmap write|verify FILE: write fills a 1 MiB + 123 byte file through a shared writable mapping
// and msyncs it, then checks the data through read() on another descriptor while still mapped;
// verify (run after the page cache was dropped) checks the file through read() alone.
#include "check.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

enum { SIZE = (1 << 20) + 123 };

static unsigned char expected(long i) { return (unsigned char)((i * 131 + 7) % 251); }

static void verify(const char *path) {
  static unsigned char buf[SIZE + 1];
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0, "open %s", path);
  ssize_t total = 0, n;
  while ((n = read(fd, buf + total, sizeof buf - total)) > 0) total += n;
  CHECK(n == 0 && total == SIZE, "read %zd bytes, expected %d", total, SIZE);
  for (long i = 0; i < SIZE; i++)
    CHECK(buf[i] == expected(i), "byte %ld is %#x, expected %#x", i, buf[i], expected(i));
  close(fd);
}

int main(int argc, char **argv) {
  CHECK(argc == 3, "usage: t_mmap write|verify FILE");
  if (!strcmp(argv[1], "verify")) {
    verify(argv[2]);
    printf("mapped writes read back after the cache was dropped\n");
    return 0;
  }
  int fd = open(argv[2], O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(fd >= 0, "create %s", argv[2]);
  CHECK(ftruncate(fd, SIZE) == 0, "ftruncate");
  unsigned char *map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(map != MAP_FAILED, "mmap MAP_SHARED PROT_WRITE");
  for (long i = 0; i < SIZE; i++) map[i] = expected(i);
  CHECK(msync(map, SIZE, MS_SYNC) == 0, "msync");
  verify(argv[2]);
  CHECK(munmap(map, SIZE) == 0, "munmap");
  CHECK(close(fd) == 0, "close");
  printf("shared mapping written, msynced, read back through read()\n");
  return 0;
}
