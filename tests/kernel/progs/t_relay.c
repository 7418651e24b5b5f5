// t_relay SOCKET DEVICE: listens on a Unix socket and relays its first connection to DEVICE (a
// virtio-serial port whose host side is the server), both ways, until either side closes. Lets the
// guest mount with trans=unix, as Docker's local driver does on a host, against a server outside.
// Prints "listening" once the socket accepts connections, then runs in the background.
#include "check.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

// Moves what `from` has to `to`; 0 once `from` is at its end or either side failed.
static int pump(int from, int to) {
  char buffer[65536];
  ssize_t n = read(from, buffer, sizeof buffer);
  if (n <= 0) return 0;
  for (ssize_t done = 0; done < n;) {
    ssize_t w = write(to, buffer + done, (size_t)(n - done));
    if (w <= 0) return 0;
    done += w;
  }
  return 1;
}

int main(int argc, char **argv) {
  CHECK(argc == 3, "usage: t_relay SOCKET DEVICE");
  int device = open(argv[2], O_RDWR | O_CLOEXEC);
  CHECK(device >= 0, "open %s", argv[2]);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  CHECK(strlen(argv[1]) < sizeof addr.sun_path, "path too long");
  strcpy(addr.sun_path, argv[1]);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(listener >= 0, "socket");
  CHECK(bind(listener, (struct sockaddr *)&addr, sizeof addr) == 0, "bind %s", argv[1]);
  CHECK(listen(listener, 1) == 0, "listen");
  printf("listening\n");
  fflush(stdout);
  if (fork() != 0) return 0;  // the caller goes on to mount; the relay serves in the background
  int conn = accept(listener, NULL, NULL);
  CHECK(conn >= 0, "accept");
  close(listener);
  struct pollfd fds[2] = {{.fd = conn, .events = POLLIN}, {.fd = device, .events = POLLIN}};
  for (;;) {
    CHECK(poll(fds, 2, -1) > 0, "poll");
    if (fds[0].revents && !pump(conn, device)) break;
    if (fds[1].revents && !pump(device, conn)) break;
  }
  return 0;
}
