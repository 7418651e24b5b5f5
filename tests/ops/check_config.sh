#!/bin/sh
# `p9tmpfs --check-config` as an operator runs it before a restart or reload: the shipped example
# config and good options pass (exit 0); a config or option that the server would refuse at start
# fails (exit 2) naming what is wrong, whether the TOML parser, the option parser or the address
# parser finds it.
# Usage: check_config.sh P9TMPFS REPO_ROOT
set -u
bin=${1:?usage: check_config.sh P9TMPFS REPO_ROOT}
root=${2:?usage: check_config.sh P9TMPFS REPO_ROOT}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0

# expect EXIT TEXT ARGS...: p9tmpfs --check-config ARGS exits with EXIT and prints TEXT.
expect() {
  want=$1 text=$2
  shift 2
  out=$("$bin" --check-config "$@" 2>&1)
  got=$?
  case "$out" in
    *"$text"*) [ "$got" -eq "$want" ] && { echo "ok: $*: exit $got"; return; } ;;
  esac
  echo "FAIL: $*: exit $got (want $want), output: $out (want '$text')"
  status=1
}

expect 0 "configuration is valid (1 listener(s), 1 export(s))" --config "$root/deploy/systemd/p9tmpfs.toml"
expect 0 "configuration is valid (2 listener(s), 2 export(s))" --listen tcp:127.0.0.1:5640 \
  --listen "unix:$dir/p9.sock" --export a,size=1G,inodes=10k --export b,ro --metrics tcp:127.0.0.1:9640

printf 'thread = 2\n' >"$dir/unknown.toml"
expect 2 "thread: unknown setting" --config "$dir/unknown.toml"
printf '[[export]]\nname = "a"\nsize = "1Q"\n' >"$dir/size.toml"
expect 2 "size '1Q' is not a number" --config "$dir/size.toml"
printf '[[export\n' >"$dir/syntax.toml"
expect 2 "syntax.toml:1:" --config "$dir/syntax.toml"
expect 2 "$dir/missing.toml" --config "$dir/missing.toml"
printf 'listen = ["tcp:localhost"]\n' >"$dir/listen.toml"
expect 2 "address 'tcp:localhost': expected tcp:HOST:PORT" --config "$dir/listen.toml"
expect 2 "port '99999' is not valid" --listen tcp:127.0.0.1:99999
expect 2 "address '9640' is not one of" --metrics 9640
expect 2 "threads 'x' is not a number" --threads x
exit $status
