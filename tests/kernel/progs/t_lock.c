// t_lock MODE PATH_A PATH_B: locks between two processes, the holder using PATH_A and the other
// PATH_B (the same file, through one mount or through two mounts = two 9P connections, where only
// the server can see the conflict). MODE:
//   conflict  F_SETLK on a held lock -> EAGAIN
//   getlk     F_GETLK names the holder
//   wait      an F_SETLKW waiter gets the lock within a second of the release (the client retries
//             a BLOCKED reply only every 30 s, so this needs a server that holds the request)
//   cancel    a waiter killed mid-wait (the client flushes its request) leaves no lock behind
//   flock     LOCK_EX conflict -> EWOULDBLOCK, granted after LOCK_UN
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_rw(const char *path) {
  int fd = open(path, O_RDWR);
  CHECK(fd >= 0, "open %s", path);
  return fd;
}

static int setlk(int fd, int cmd, short type) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  return fcntl(fd, cmd, &fl);
}

static void wait_ok(pid_t pid, const char *what) {
  int status;
  CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s failed (status %#x)", what, status);
}

// The holder: PATH_A opened and write-locked whole by this process.
static int hold(const char *a) {
  int fd = open_rw(a);
  CHECK(setlk(fd, F_SETLK, F_WRLCK) == 0, "F_SETLK write lock on %s", a);
  return fd;
}

static void conflict(const char *a, const char *b) {
  int fd = hold(a);
  pid_t c = fork();
  if (c == 0) {
    CHECK_ERRNO(setlk(open_rw(b), F_SETLK, F_WRLCK), EAGAIN);
    _exit(0);
  }
  wait_ok(c, "conflict check");
  close(fd);
  printf("F_SETLK conflict gives EAGAIN\n");
}

static void getlk(const char *a, const char *b) {
  int fd = hold(a);
  pid_t holder = getpid();
  pid_t c = fork();
  if (c == 0) {
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    CHECK(fcntl(open_rw(b), F_GETLK, &fl) == 0, "F_GETLK");
    // A lock held through another mount is reported as remote: the server's proc_id, negated.
    CHECK(fl.l_type == F_WRLCK && (fl.l_pid == holder || fl.l_pid == -holder),
          "F_GETLK: type %d pid %d, expected F_WRLCK held by %d", fl.l_type, fl.l_pid, holder);
    _exit(0);
  }
  wait_ok(c, "F_GETLK check");
  close(fd);
  printf("F_GETLK names the holder\n");
}

static void wait_wakes(const char *a, const char *b) {
  // Shared with the waiter: when the holder released, and when the waiter got the lock.
  volatile double *times = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(times != MAP_FAILED, "mmap");
  int fd = hold(a);
  pid_t c = fork();
  if (c == 0) {
    alarm(40);
    CHECK(setlk(open_rw(b), F_SETLKW, F_WRLCK) == 0, "F_SETLKW");
    times[1] = now_seconds();
    CHECK(times[0] > 0, "the waiter got the lock before the holder released it");
    _exit(0);
  }
  usleep(500 * 1000);
  times[0] = now_seconds();
  CHECK(setlk(fd, F_SETLK, F_UNLCK) == 0, "unlock");
  wait_ok(c, "F_SETLKW waiter");
  double delay = times[1] - times[0];
  CHECK(delay < 1.0, "the F_SETLKW waiter woke %.2f s after the release (must be < 1 s)", delay);
  close(fd);
  printf("F_SETLKW waiter woke %.3f s after the release\n", delay);
}

static void cancel(const char *a, const char *b) {
  int fd = hold(a);
  pid_t c = fork();
  if (c == 0) {
    setlk(open_rw(b), F_SETLKW, F_WRLCK);
    _exit(3);  // must not get here: killed while waiting
  }
  usleep(500 * 1000);
  CHECK(kill(c, SIGKILL) == 0, "kill the waiter");
  int status;
  CHECK(waitpid(c, &status, 0) == c && WIFSIGNALED(status), "the waiter was not waiting (status %#x)", status);
  CHECK(setlk(fd, F_SETLK, F_UNLCK) == 0, "unlock after the kill");
  usleep(200 * 1000);
  c = fork();
  if (c == 0) {
    int cfd = open_rw(b);
    CHECK(setlk(cfd, F_SETLK, F_WRLCK) == 0, "F_SETLK after the killed waiter: a stale lock remains");
    CHECK(setlk(cfd, F_SETLK, F_UNLCK) == 0, "unlock");
    _exit(0);
  }
  wait_ok(c, "lock after the killed waiter");
  CHECK(setlk(fd, F_SETLK, F_WRLCK) == 0, "the holder locks again after the killed waiter");
  close(fd);
  printf("a waiter killed mid-wait leaves no lock behind\n");
}

static void flock_locks(const char *a, const char *b) {
  int fd = open_rw(a);
  CHECK(flock(fd, LOCK_EX) == 0, "flock LOCK_EX on %s", a);
  pid_t c = fork();
  if (c == 0) {
    int cfd = open_rw(b);
    CHECK_ERRNO(flock(cfd, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    _exit(0);
  }
  wait_ok(c, "flock conflict check");
  CHECK(flock(fd, LOCK_UN) == 0, "LOCK_UN");
  c = fork();
  if (c == 0) {
    int cfd = open_rw(b);
    CHECK(flock(cfd, LOCK_EX | LOCK_NB) == 0, "flock after LOCK_UN");
    _exit(0);
  }
  wait_ok(c, "flock after release");
  close(fd);
  printf("flock: conflict gives EWOULDBLOCK, granted after LOCK_UN\n");
}

int main(int argc, char **argv) {
  CHECK(argc == 4, "usage: t_lock conflict|getlk|wait|cancel|flock PATH_A PATH_B");
  alarm(60);  // the client retries a BLOCKED lock every 30 s: never wait longer than two rounds
  static const struct { const char *name; void (*run)(const char *, const char *); } modes[] = {
      {"conflict", conflict}, {"getlk", getlk}, {"wait", wait_wakes}, {"cancel", cancel},
      {"flock", flock_locks},
  };
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (!strcmp(argv[1], modes[i].name)) {
      modes[i].run(argv[2], argv[3]);
      return 0;
    }
  CHECK(0, "unknown mode %s", argv[1]);
  return 0;
}
