#!/usr/bin/env bash
# The issue's memory figures for p9tmpfs: pinned metadata (VmLck) and RSS per empty file with a
# 16-byte name at FILES files in one directory (default 1M), and the create rate of the last vs the
# first 100k entries of that directory. Starts a fresh p9tmpfs (release build) on loopback, runs
# `p9bench -w fill` against it and stops it again: the files are never removed one by one.
#
#   bench/memory.sh [-b BUILD_DIR] [-n FILES] [-- EXTRA_P9TMPFS_OPTIONS...]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/release
FILES=1000000
PORT=5745
while getopts "b:n:h" opt; do
  case $opt in
    b) BUILD=$(realpath "$OPTARG") ;;
    n) FILES=$OPTARG ;;
    *) sed -n '2,7p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

P9TMPFS=$BUILD/server/p9tmpfs P9BENCH=$BUILD/bench/p9bench
if [[ ! -x $P9TMPFS || ! -x $P9BENCH ]]; then
  if [[ $BUILD == "$ROOT/build/release" ]]; then
    (cd "$ROOT" && cmake --preset release >/dev/null)
  fi
  cmake --build "$BUILD" --target p9tmpfs p9bench
fi

"$P9TMPFS" --listen "tcp:127.0.0.1:$PORT" --export bench --log-level warn "$@" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  ss -ltnH "sport = :$PORT" | grep -q . && break
  sleep 0.1
done

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '^Vm(RSS|Lck)' "/proc/$SERVER/status" | sed 's/^/server before: /'
"$P9BENCH" -a "tcp:127.0.0.1:$PORT" -n bench -w fill --files "$FILES" -c 1 -d 16 \
  --server-pid "$SERVER" --label p9tmpfs --no-cleanup
grep -E '^Vm(RSS|Lck)' "/proc/$SERVER/status" | sed 's/^/server after: /'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
