// t_xattr FILE: extended attributes through the 9p client: set/get/list/remove in user.* and
// trusted.*, ERANGE on short buffers, XATTR_CREATE/XATTR_REPLACE errors, binary values.
#include "check.h"
#include <sys/xattr.h>

static void expect_value(const char *path, const char *name, const void *want, ssize_t len) {
  char buf[8192];
  ssize_t n = getxattr(path, name, buf, sizeof buf);
  CHECK(n == len && !memcmp(buf, want, len), "getxattr %s returned %zd bytes, expected %zd", name, n, len);
  CHECK(getxattr(path, name, NULL, 0) == len, "getxattr %s size query", name);
}

static int listed(const char *path, const char *name) {
  char list[8192];
  ssize_t n = listxattr(path, list, sizeof list);
  CHECK(n >= 0, "listxattr");
  for (ssize_t i = 0; i < n; i += strlen(list + i) + 1)
    if (!strcmp(list + i, name)) return 1;
  return 0;
}

int main(int argc, char **argv) {
  CHECK(argc == 2, "usage: t_xattr FILE");
  const char *f = argv[1];
  char small[2];

  CHECK(setxattr(f, "user.color", "blue", 4, 0) == 0, "setxattr user.color");
  expect_value(f, "user.color", "blue", 4);
  CHECK_ERRNO(getxattr(f, "user.color", small, sizeof small), ERANGE);
  CHECK(listed(f, "user.color"), "listxattr lacks user.color");
  ssize_t need = listxattr(f, NULL, 0);
  CHECK(need >= (ssize_t)sizeof "user.color", "listxattr size query: %zd", need);
  CHECK_ERRNO(listxattr(f, small, sizeof small), ERANGE);
  CHECK_ERRNO(setxattr(f, "user.color", "red", 3, XATTR_CREATE), EEXIST);
  CHECK_ERRNO(setxattr(f, "user.absent", "x", 1, XATTR_REPLACE), ENODATA);
  CHECK(setxattr(f, "user.color", "red", 3, XATTR_REPLACE) == 0, "XATTR_REPLACE");
  expect_value(f, "user.color", "red", 3);
  printf("user.*: set, get, list, ERANGE, XATTR_CREATE/REPLACE errors\n");

  unsigned char blob[4000];
  for (size_t i = 0; i < sizeof blob; i++) blob[i] = i * 7;  // includes NUL bytes
  CHECK(setxattr(f, "user.blob", blob, sizeof blob, 0) == 0, "setxattr 4000-byte binary value");
  expect_value(f, "user.blob", blob, sizeof blob);
  CHECK(setxattr(f, "trusted.secret", "root only", 9, 0) == 0, "setxattr trusted.secret");
  expect_value(f, "trusted.secret", "root only", 9);
  CHECK(listed(f, "trusted.secret"), "listxattr lacks trusted.secret");
  printf("binary 4000-byte value and trusted.* round trip\n");

  CHECK(removexattr(f, "user.color") == 0, "removexattr");
  CHECK_ERRNO(getxattr(f, "user.color", NULL, 0), ENODATA);
  CHECK_ERRNO(removexattr(f, "user.color"), ENODATA);
  CHECK(!listed(f, "user.color"), "removed user.color still listed");
  CHECK(removexattr(f, "user.blob") == 0 && removexattr(f, "trusted.secret") == 0, "remove the rest");
  printf("removexattr, then ENODATA\n");
  return 0;
}
