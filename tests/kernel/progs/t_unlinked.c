// t_unlinked DIR: the open-unlink idioms. (1) A file unlinked while open stays readable, writable,
// truncatable and fstat-able through its descriptor (nlink 0). (2) A rename over a file that is open
// elsewhere leaves the open descriptor on the old contents while the name shows the new file.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  CHECK(fd >= 0, "create %s", path);
  CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s", path);
  CHECK(close(fd) == 0, "close %s", path);
}

static void expect_contents(int fd, const char *want, const char *what) {
  char buf[256] = {0};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  CHECK(n == (ssize_t)strlen(want) && !memcmp(buf, want, n), "%s: read '%s', expected '%s'", what,
        buf, want);
}

int main(int argc, char **argv) {
  CHECK(argc == 2, "usage: t_unlinked DIR");
  char path[4096], other[4096];
  struct stat st;

  snprintf(path, sizeof path, "%s/unlinked", argv[1]);
  int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
  CHECK(fd >= 0, "create %s", path);
  CHECK(write(fd, "hello world", 11) == 11, "write");
  CHECK(unlink(path) == 0, "unlink while open");
  CHECK_ERRNO(stat(path, &st), ENOENT);
  CHECK(fstat(fd, &st) == 0, "fstat after unlink");
  CHECK(st.st_nlink == 0 && st.st_size == 11, "after unlink: nlink %lu size %lld, expected 0 and 11",
        (unsigned long)st.st_nlink, (long long)st.st_size);
  expect_contents(fd, "hello world", "read after unlink");
  CHECK(pwrite(fd, "!!", 2, 11) == 2, "write after unlink");
  CHECK(fstat(fd, &st) == 0 && st.st_size == 13, "size after write: %lld", (long long)st.st_size);
  expect_contents(fd, "hello world!!", "read after write");
  CHECK(ftruncate(fd, 5) == 0, "ftruncate after unlink");
  CHECK(fstat(fd, &st) == 0 && st.st_size == 5, "size after ftruncate: %lld", (long long)st.st_size);
  expect_contents(fd, "hello", "read after ftruncate");
  CHECK(fchmod(fd, 0600) == 0, "fchmod after unlink");
  CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600, "mode after fchmod: %o", st.st_mode & 07777);
  CHECK(close(fd) == 0, "close");
  printf("open-unlink: read, write, ftruncate, fstat, fchmod work through the descriptor\n");

  snprintf(path, sizeof path, "%s/target", argv[1]);
  snprintf(other, sizeof other, "%s/replacement", argv[1]);
  write_file(path, "old contents");
  int old = open(path, O_RDONLY);
  CHECK(old >= 0, "open %s", path);
  write_file(other, "new contents");
  CHECK(rename(other, path) == 0, "rename over the open file");
  expect_contents(old, "old contents", "open descriptor after rename over it");
  CHECK(fstat(old, &st) == 0 && st.st_nlink == 0, "replaced file: nlink %lu, expected 0",
        (unsigned long)st.st_nlink);
  int now = open(path, O_RDONLY);
  CHECK(now >= 0, "open the name after rename");
  expect_contents(now, "new contents", "the name after rename");
  CHECK_ERRNO(stat(other, &st), ENOENT);
  close(now);
  close(old);
  CHECK(unlink(path) == 0, "cleanup");
  printf("rename over an open file: old descriptor keeps the old contents\n");
  return 0;
}
