#!/usr/bin/env bash
# Stand-in for the p9tmpfs binary in the kernel suite (P9_SERVER_BIN) that records the guest's 9P
# traffic: starts the real server (P9_REAL_SERVER_BIN) on SOCKET.real and record_proxy.py on the
# socket the suite asked for, saving every client-to-server byte stream under P9_RECORD_DIR. SIGTERM
# goes to the server, whose exit status is this script's, so run.sh judges the run as usual.
# Only the Unix-socket connections are recorded (not trans=tcp).
set -u
here=$(cd "$(dirname "$0")" && pwd)
args=() sock=''
while [ $# -gt 0 ]; do
  if [ "$1" = --listen ] && [[ $2 == unix:* ]]; then
    sock=${2#unix:}
    args+=(--listen "unix:$sock.real")
    shift 2
    continue
  fi
  args+=("$1")
  shift
done
"$P9_REAL_SERVER_BIN" "${args[@]}" &
server=$!
for _ in $(seq 100); do [ -S "$sock.real" ] && break; sleep 0.05; done
python3 "$here/record_proxy.py" "$sock" "$sock.real" "$P9_RECORD_DIR" &
proxy=$!
trap 'kill -TERM $server' TERM INT
wait $server
status=$?
# `wait` returns early (status > 128) when the trap ran: wait again for the server's own status.
if [ $status -gt 128 ]; then wait $server; status=$?; fi
kill $proxy 2>/dev/null
exit $status
