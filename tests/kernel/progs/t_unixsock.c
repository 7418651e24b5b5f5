// t_unixsock PATH: binds a Unix socket at PATH on the 9p mount (a socket node on the server), checks
// the node's type, and passes a message from a second process that connects by that path.
#include "check.h"
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  CHECK(argc == 2, "usage: t_unixsock PATH");
  alarm(20);  // a failed connect must not leave accept() waiting forever
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  CHECK(strlen(argv[1]) < sizeof addr.sun_path, "path too long");
  strcpy(addr.sun_path, argv[1]);
  int srv = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(srv >= 0, "socket");
  CHECK(bind(srv, (struct sockaddr *)&addr, sizeof addr) == 0, "bind %s", argv[1]);
  struct stat st;
  CHECK(lstat(argv[1], &st) == 0 && S_ISSOCK(st.st_mode), "%s is not a socket node (mode %o)",
        argv[1], st.st_mode);
  CHECK(listen(srv, 1) == 0, "listen");
  pid_t child = fork();
  if (child == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&addr, sizeof addr) == 0, "connect by path %s", argv[1]);
    CHECK(write(c, "ping", 4) == 4, "send");
    _exit(0);
  }
  int conn = accept(srv, NULL, NULL);
  CHECK(conn >= 0, "accept");
  char buf[8] = {0};
  CHECK(read(conn, buf, sizeof buf) == 4 && !memcmp(buf, "ping", 4), "received '%s'", buf);
  int status;
  CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && !WEXITSTATUS(status), "client failed");
  close(conn);
  close(srv);
  CHECK(unlink(argv[1]) == 0, "unlink the socket node");
  printf("unix socket node: bind, connect by path, message passed\n");
  return 0;
}
