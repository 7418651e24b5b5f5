// t_mkfiles DIR COUNT [BYTES]: creates DIR/f000000... (each BYTES long, default 0) until COUNT
// exist or a call fails; prints "created N" and, on failure, "error ERRNO" (e.g. ENOSPC at a limit).
// Exit status 0 only when all COUNT were created. A loop of busybox touch would fork per file.
#include "check.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  CHECK(argc == 3 || argc == 4, "usage: t_mkfiles DIR COUNT [BYTES]");
  long count = atol(argv[2]), bytes = argc == 4 ? atol(argv[3]) : 0;
  char *data = calloc(1, bytes + 1);
  char path[4096];
  long n = 0;
  int err = 0;
  for (; n < count; n++) {
    snprintf(path, sizeof path, "%s/f%06ld", argv[1], n);
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0) { err = errno; break; }
    if (bytes && write(fd, data, bytes) != bytes) { err = errno; close(fd); unlink(path); break; }
    if (close(fd) != 0) { err = errno; break; }
  }
  printf("created %ld\n", n);
  if (err) printf("error %s\n", strerrorname_np(err));
  return n == count ? 0 : 2;
}
