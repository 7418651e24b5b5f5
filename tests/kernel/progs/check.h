// Assertions for the guest test programs. A failed check names the condition, the source line and
// errno, and exits 1, which the scenario script reports as a FAIL with this output attached.
#pragma once
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(cond, ...)                                                                  \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      int saved_errno_ = errno;                                                           \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);           \
      fprintf(stderr, __VA_ARGS__);                                                       \
      fprintf(stderr, " (errno %s)\n", saved_errno_ ? strerrorname_np(saved_errno_) : "0"); \
      exit(1);                                                                            \
    }                                                                                     \
  } while (0)

// The call must fail with exactly the errno given.
#define CHECK_ERRNO(call, err)                                                            \
  do {                                                                                    \
    errno = 0;                                                                            \
    long r_ = (long)(call);                                                               \
    CHECK(r_ == -1 && errno == (err), "%s returned %ld, expected -1 with %s", #call, r_,  \
          strerrorname_np(err));                                                          \
  } while (0)

static inline double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
