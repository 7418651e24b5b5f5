# shellcheck shell=bash disable=SC2034 # the variables set here are read by run.sh
# Sourced by run.sh: starts the 9P server under test for one scenario group.
# server_start WORKDIR SOCKET PORT  starts it in the background and sets
#   SERVER_PID, P9_ANAME_MAIN, P9_ANAME_SECOND, P9_ANAME_SMALL (empty when absent),
#   P9_FEATURES (what the scenarios may rely on) and SERVER_LOG.
# P9_SERVER_KIND selects the server: "p9tmpfs" (P9_SERVER_BIN is its binary) or "diod" (only a
# development stand-in: Debian's diod, not a project dependency).

# The exports every scenario group gets: "main" (no limits), "second" (a second tree, for mounting
# two exports at once) and "small" (32 MiB / 256 inodes, for the limit scenario).
p9tmpfs_config() {
  cat <<'TOML'
[[export]]
name = "main"

[[export]]
name = "second"

[[export]]
name = "small"
size = "32M"
inodes = 256
TOML
}

# The one place that knows p9tmpfs's command line.
p9tmpfs_command() {
  local work=$1 sock=$2 port=$3
  p9tmpfs_config >"$work/p9tmpfs.toml"
  echo "$P9_SERVER_BIN" --listen "unix:$sock" --listen "tcp:127.0.0.1:$port" --config "$work/p9tmpfs.toml"
}

# diod exports host directories and wants absolute paths as anames. It looks attaching uids up in
# the host passwd file (its -N would also refuse the client's first attach as "nobody" by name).
diod_command() {
  local work=$1 sock=$2 port=$3
  mkdir -p "$work/export/main" "$work/export/second"
  echo diod -f -n -l "$sock" -l "127.0.0.1:$port" \
    -e "$work/export/main" -e "$work/export/second" -L "$work/server.log"
}

server_start() {
  local work=$1 sock=$2 port=$3 cmd
  SERVER_LOG=$work/server.log
  : >"$SERVER_LOG"
  case $P9_SERVER_KIND in
    p9tmpfs)
      cmd=$(p9tmpfs_command "$work" "$sock" "$port")
      P9_ANAME_MAIN=main P9_ANAME_SECOND=second P9_ANAME_SMALL=small
      P9_FEATURES="second-export limits access-user"
      ;;
    diod)
      cmd=$(diod_command "$work" "$sock" "$port")
      P9_ANAME_MAIN=$work/export/main P9_ANAME_SECOND=$work/export/second P9_ANAME_SMALL=
      P9_FEATURES="second-export access-user"
      ;;
    *) echo "server.sh: unknown P9_SERVER_KIND '$P9_SERVER_KIND'" >&2; return 1 ;;
  esac
  echo "server: $cmd" >>"$SERVER_LOG"
  # shellcheck disable=SC2086 # the command is a word list built above from paths without spaces
  $cmd >>"$SERVER_LOG" 2>&1 </dev/null &
  SERVER_PID=$!
}

# True once SOCKET is in the listening state (QEMU connects when it starts, and fails if nobody
# listens yet; the file alone appears at bind, before listen).
unix_listening() { awk -v p="$1" '$NF == p && $4 == "00010000" { found = 1 } END { exit !found }' /proc/net/unix; }
# True once 127.0.0.1:PORT listens (state 0A in /proc/net/tcp; addresses in hex).
tcp_listening() {
  local hex; hex=$(printf '0100007F:%04X' "$1")
  awk -v a="$hex" '$2 == a && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp
}
