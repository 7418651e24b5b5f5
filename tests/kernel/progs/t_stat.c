// t_stat FIELD PATH: prints one field of lstat(PATH), with nanosecond times, for scenario scripts
// (busybox stat has no nanosecond epoch times nor rdev as major:minor).
// FIELD: size mode nlink uid gid rdev blocks ino atime mtime ctime type
#include "check.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

static const char *type_name(mode_t m) {
  if (S_ISREG(m)) return "file";
  if (S_ISDIR(m)) return "dir";
  if (S_ISLNK(m)) return "symlink";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  if (S_ISCHR(m)) return "char";
  if (S_ISBLK(m)) return "block";
  return "unknown";
}

int main(int argc, char **argv) {
  CHECK(argc == 3, "usage: t_stat FIELD PATH");
  const char *f = argv[1];
  struct stat st;
  CHECK(lstat(argv[2], &st) == 0, "lstat %s", argv[2]);
  if (!strcmp(f, "size")) printf("%lld\n", (long long)st.st_size);
  else if (!strcmp(f, "mode")) printf("%o\n", st.st_mode & 07777);
  else if (!strcmp(f, "nlink")) printf("%lu\n", (unsigned long)st.st_nlink);
  else if (!strcmp(f, "uid")) printf("%u\n", st.st_uid);
  else if (!strcmp(f, "gid")) printf("%u\n", st.st_gid);
  else if (!strcmp(f, "rdev")) printf("%u:%u\n", major(st.st_rdev), minor(st.st_rdev));
  else if (!strcmp(f, "blocks")) printf("%lld\n", (long long)st.st_blocks);
  else if (!strcmp(f, "ino")) printf("%llu\n", (unsigned long long)st.st_ino);
  else if (!strcmp(f, "atime")) printf("%lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  else if (!strcmp(f, "mtime")) printf("%lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  else if (!strcmp(f, "ctime")) printf("%lld.%09ld\n", (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
  else if (!strcmp(f, "type")) printf("%s\n", type_name(st.st_mode));
  else CHECK(0, "unknown field %s", f);
  return 0;
}
