// t_readdir DIR: directory listing under concurrent change, and telldir/seekdir.
// (1) STABLE entries exist; a second process keeps creating and removing other entries while this
//     one lists the directory repeatedly: every stable entry must appear exactly once per listing.
// (2) With the directory quiet, seekdir to a telldir cookie taken mid-listing must continue with
//     exactly the entries that followed it the first time.
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

enum { STABLE = 400, PASSES = 8 };

static void touch(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0, "create %s", path);
  close(fd);
}

int main(int argc, char **argv) {
  CHECK(argc == 2, "usage: t_readdir DIR");
  const char *dir = argv[1];
  char name[64], path[4096];
  for (int i = 0; i < STABLE; i++) {
    snprintf(name, sizeof name, "stable-%04d", i);
    touch(dir, name);
  }
  pid_t churner = fork();
  if (churner == 0) {
    for (long i = 0;; i++) {
      snprintf(name, sizeof name, "churn-%ld", i);
      touch(dir, name);
      if (i >= 20) {
        snprintf(path, sizeof path, "%s/churn-%ld", dir, i - 20);
        unlink(path);
      }
    }
  }
  for (int pass = 0; pass < PASSES; pass++) {
    int seen[STABLE] = {0};
    DIR *d = opendir(dir);
    CHECK(d != NULL, "opendir");
    struct dirent *e;
    long entries = 0;
    while ((errno = 0, e = readdir(d)) != NULL) {
      int k;
      entries++;
      if (sscanf(e->d_name, "stable-%d", &k) == 1) seen[k]++;
    }
    CHECK(errno == 0, "readdir in pass %d", pass);
    closedir(d);
    for (int i = 0; i < STABLE; i++)
      CHECK(seen[i] == 1, "pass %d: stable-%04d seen %d times (%ld entries listed)", pass, i,
            seen[i], entries);
  }
  kill(churner, SIGKILL);
  waitpid(churner, NULL, 0);
  printf("%d listings during churn: every stable entry seen exactly once\n", PASSES);

  DIR *d = opendir(dir);
  CHECK(d != NULL, "opendir");
  long mark = -1;
  int after = 0;
  static char names[2 * STABLE + 64][256];
  for (int i = 0;; i++) {
    struct dirent *e = readdir(d);
    if (!e) break;
    if (i == STABLE / 2) mark = telldir(d);
    if (mark >= 0 && i >= STABLE / 2 + 1) {
      CHECK(after < (int)(sizeof names / sizeof names[0]), "too many entries");
      snprintf(names[after++], sizeof names[0], "%s", e->d_name);
    }
  }
  CHECK(mark >= 0 && after > 0, "telldir mark %ld, %d entries after it", mark, after);
  seekdir(d, mark);
  for (int i = 0; i < after; i++) {
    struct dirent *e = readdir(d);
    CHECK(e != NULL, "listing after seekdir ended at %d of %d entries", i, after);
    CHECK(!strcmp(e->d_name, names[i]), "after seekdir entry %d is %s, expected %s", i, e->d_name,
          names[i]);
  }
  CHECK(readdir(d) == NULL, "extra entries after seekdir replay");
  rewinddir(d);
  int total = 0;
  while (readdir(d)) total++;
  CHECK(total >= STABLE + 2, "after rewinddir: %d entries", total);
  closedir(d);
  printf("telldir/seekdir replays %d entries exactly; rewinddir lists %d\n", after, total);
  return 0;
}
