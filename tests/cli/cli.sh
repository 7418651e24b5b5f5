#!/usr/bin/env bash
# The p9 command-line client against a real p9tmpfs over a Unix socket: every subcommand does what
# it says, failures name their subject and errno text, and exit codes are what scripts rely on
# (0 done, 1 the operation failed, 2 usage or no usable connection).
# Usage: cli.sh P9TMPFS P9
set -euo pipefail
P9TMPFS=$1 P9=$2
DIR=$(mktemp -d)
"$P9TMPFS" --listen "unix:$DIR/sock" --export "default,size=64M,inodes=1000" 2>"$DIR/server.log" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 200); do [[ -S $DIR/sock ]] && break; sleep 0.05; done

fail() { echo "FAIL: $*" >&2; exit 1; }
p9() { "$P9" -a "unix:$DIR/sock" "$@"; }
# expect CODE MESSAGE CMD...: CMD exits with CODE and its stderr is exactly MESSAGE.
expect() {
  local code=$1 message=$2 got=0
  shift 2
  "$@" 2>"$DIR/err" >/dev/null || got=$?
  [[ $got == "$code" ]] || fail "$* exited $got, expected $code ($(cat "$DIR/err"))"
  [[ $(cat "$DIR/err") == "$message" ]] || fail "$*: stderr '$(cat "$DIR/err")', expected '$message'"
}

# put and get round-trip a file larger than one message, byte for byte; cat and stdin too.
head -c 3000000 /dev/urandom >"$DIR/data"
p9 mkdir -p /a/b/c
p9 put "$DIR/data" /a/b/c/data
p9 get /a/b/c/data "$DIR/back"
cmp "$DIR/data" "$DIR/back" || fail "get returned other bytes than put sent"
echo hello | p9 put - /a/hello
[[ $(p9 cat /a/hello) == hello ]] || fail "cat of a file put from stdin"
[[ $(p9 stat /a/b/c/data) == *3000000* ]] || fail "stat does not show the size: $(p9 stat /a/b/c/data)"

# ls, mv, ln, ln -s, rm, rm -r
[[ $(p9 ls /a | sort | tr '\n' ' ') == "b hello " ]] || fail "ls /a: $(p9 ls /a)"
p9 mv /a/hello /a/greeting
p9 ln /a/greeting /a/hard
p9 ln -s greeting /a/soft
[[ $(p9 ls -l /a) == *greeting* && $(p9 ls -l /a) == *soft* ]] || fail "ls -l /a: $(p9 ls -l /a)"
[[ $(p9 cat /a/hard) == hello ]] || fail "the hard link reads other bytes"
p9 rm /a/hard /a/soft
p9 rm -r /a/b
[[ $(p9 ls /a) == greeting ]] || fail "after rm: $(p9 ls /a)"

# xattr set/get/list/rm, df
p9 xattr set /a/greeting user.colour blue
[[ $(p9 xattr get /a/greeting user.colour) == blue ]] || fail "xattr get"
[[ $(p9 xattr list /a/greeting) == user.colour ]] || fail "xattr list: $(p9 xattr list /a/greeting)"
p9 xattr rm /a/greeting user.colour
[[ -z $(p9 xattr list /a/greeting) ]] || fail "xattr rm left $(p9 xattr list /a/greeting)"
[[ $(p9 df) == *64M* || $(p9 df) == *65536* || $(p9 df) == *67108864* ]] || fail "df does not show the 64M limit: $(p9 df)"

# Failures: subject and errno text on stderr, exit 1; nothing half-made.
expect 1 "p9: cat /nope: No such file or directory" p9 cat /nope
expect 1 "p9: mkdir /a: File exists" p9 mkdir /a
expect 1 "p9: rm /a: Is a directory" p9 rm /a
expect 1 "p9: put $DIR: Is a directory" p9 put "$DIR" /a/dir
p9 stat /a/dir >/dev/null 2>&1 && fail "put of a local directory left a remote file"
expect 1 "p9: put $DIR/missing: No such file or directory" p9 put "$DIR/missing" /a/x
# Usage and connection errors: exit 2.
expect 2 "p9: unix:$DIR/none: No such file or directory" "$P9" -a "unix:$DIR/none" ls
if "$P9" -a "unix:$DIR/sock" frobnicate 2>/dev/null; then fail "an unknown subcommand succeeded"; else [[ $? == 2 ]] || fail "unknown subcommand: exit $?"; fi
echo PASS
