// t_append FILE WRITERS RECORDS: WRITERS processes append RECORDS fixed-size records each through
// their own O_APPEND descriptors at the same time; afterwards every record must be whole, none lost
// or overwritten, and each writer's records in its own order. Catches a server that writes O_APPEND
// data at the offset the client guessed instead of at the end of the file.
#include "check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { RECORD = 32 };

int main(int argc, char **argv) {
  CHECK(argc == 4, "usage: t_append FILE WRITERS RECORDS");
  const char *path = argv[1];
  int writers = atoi(argv[2]), records = atoi(argv[3]);
  CHECK(writers > 0 && writers < 100 && records > 0 && records < 1000000, "writers 1..99, records 1..999999");
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  CHECK(fd >= 0, "create %s", path);
  close(fd);
  for (int w = 0; w < writers; w++) {
    if (fork() == 0) {
      int wfd = open(path, O_WRONLY | O_APPEND);
      CHECK(wfd >= 0, "open O_APPEND");
      char rec[64];
      for (int r = 0; r < records; r++) {
        int n = snprintf(rec, sizeof rec, "writer %02d record %06d ", w % 100, r % 1000000);
        memset(rec + n, '.', RECORD - 1 - n);
        rec[RECORD - 1] = '\n';
        CHECK(write(wfd, rec, RECORD) == RECORD, "append record %d of writer %d", r, w);
      }
      _exit(0);
    }
  }
  for (int w = 0; w < writers; w++) {
    int status;
    CHECK(wait(&status) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "a writer failed");
  }
  struct stat st;
  CHECK(stat(path, &st) == 0, "stat");
  CHECK(st.st_size == (off_t)writers * records * RECORD, "size %lld, expected %lld",
        (long long)st.st_size, (long long)writers * records * RECORD);
  FILE *f = fopen(path, "r");
  CHECK(f != NULL, "reopen");
  int *next = calloc(writers, sizeof *next);
  char rec[RECORD];
  for (long i = 0; fread(rec, 1, RECORD, f) == RECORD; i++) {
    int w, r;
    CHECK(rec[RECORD - 1] == '\n' && sscanf(rec, "writer %d record %d", &w, &r) == 2 && w >= 0 &&
              w < writers,
          "record %ld is torn: %.31s", i, rec);
    CHECK(r == next[w], "writer %d: record %d where %d was due (lost or reordered)", w, r, next[w]);
    next[w]++;
  }
  for (int w = 0; w < writers; w++) CHECK(next[w] == records, "writer %d: %d records", w, next[w]);
  printf("%d writers x %d records appended intact\n", writers, records);
  return 0;
}
