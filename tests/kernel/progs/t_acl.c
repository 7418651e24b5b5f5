// t_acl set|get FILE: stores a POSIX access ACL (user::rw- user:1000:r-- group::--- mask::r--
// other::---) as system.posix_acl_access, or reads it back and compares it entry by entry.
// The binary layout is the kernel's xattr format (include/uapi/linux/posix_acl_xattr.h).
#include "check.h"
#include <stdint.h>
#include <sys/xattr.h>

struct entry { uint16_t tag, perm; uint32_t id; };
struct acl { uint32_t version; struct entry e[5]; };

static const struct acl wanted = {
    2,
    {{0x01, 6, ~0u}, {0x02, 4, 1000}, {0x04, 0, ~0u}, {0x10, 4, ~0u}, {0x20, 0, ~0u}},
};

int main(int argc, char **argv) {
  CHECK(argc == 3, "usage: t_acl set|get FILE");
  if (!strcmp(argv[1], "set")) {
    CHECK(setxattr(argv[2], "system.posix_acl_access", &wanted, sizeof wanted, 0) == 0,
          "setxattr system.posix_acl_access");
    return 0;
  }
  struct acl got;
  memset(&got, 0, sizeof got);
  ssize_t n = getxattr(argv[2], "system.posix_acl_access", &got, sizeof got);
  CHECK(n == sizeof wanted, "getxattr system.posix_acl_access returned %zd bytes, expected %zu", n,
        sizeof wanted);
  CHECK(got.version == 2, "ACL version %u", got.version);
  for (int i = 0; i < 5; i++) {
    // The kernel writes undefined ids of owner/group/mask/other entries as it likes: compare ids of
    // named entries only.
    CHECK(got.e[i].tag == wanted.e[i].tag && got.e[i].perm == wanted.e[i].perm &&
              (wanted.e[i].tag != 0x02 || got.e[i].id == wanted.e[i].id),
          "entry %d: tag %#x perm %o id %u, expected tag %#x perm %o id %u", i, got.e[i].tag,
          got.e[i].perm, got.e[i].id, wanted.e[i].tag, wanted.e[i].perm, wanted.e[i].id);
  }
  printf("system.posix_acl_access read back entry by entry\n");
  return 0;
}
