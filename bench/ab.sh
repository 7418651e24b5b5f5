#!/usr/bin/env bash
# Interleaved A/B runs of p9tmpfs binaries (e.g. a saved baseline and a new build), optionally with
# diod and p9null as peers: every server is started once, then each repetition runs one p9bench
# invocation against each of them in turn (the order rotates every repetition), so that all of
# them see the same machine load. Prints p9bench's CSV lines prefixed with the repetition number.
# Shorter than bench/compare.sh (no ganesha, no iperf3, no perf) and meant for a busy machine:
# compare medians of the per-server-CPU-second columns.
#
#   bench/ab.sh [-r REPS] [-b BUILD_DIR] -w "P9BENCH ARGS" SERVER...
#     SERVER: NAME=PATH_TO_P9TMPFS, or diod (exporting a fresh tmpfs; needs root), or null (p9null)
#   e.g. bench/ab.sh -r 5 -w "-w seqwrite -c 1 -d 8 -m 65536 --size 512M -t 2" \
#          base=/tmp/p9tmpfs.base new=build/release/server/p9tmpfs diod
#
# A benchmark, not a test: the project's test command never runs it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/release
REPS=3
ARGS=""
while getopts "r:b:w:h" opt; do
  case $opt in
    r) REPS=$OPTARG ;;
    b) BUILD=$(realpath "$OPTARG") ;;
    w) ARGS=$OPTARG ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ -n $ARGS && $# -gt 0 ]] || { sed -n '2,13p' "$0"; exit 2; }
P9BENCH=$BUILD/bench/p9bench

WORK=$(mktemp -d /tmp/p9bench-ab.XXXXXX)
declare -a NAMES=() PIDS=()
declare -A ADDRESS=() ANAME=() PID=() EXTRA=()
cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  mountpoint -q "$WORK/diod" && umount "$WORK/diod"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=5900
for server in "$@"; do
  port=$((port + 1))
  name=${server%%=*}
  address=tcp:127.0.0.1:$port
  case $server in
    diod)
      mkdir -p "$WORK/diod"
      mount -t tmpfs -o size=8g p9bench-ab "$WORK/diod"
      diod -f -n -l "127.0.0.1:$port" -e "$WORK/diod" -L "$WORK/diod.log" &
      ANAME[$name]=$WORK/diod ;;
    null)
      "$BUILD/bench/p9null" --listen "$address" 2>"$WORK/p9null.log" &
      ANAME[$name]="" EXTRA[$name]=--no-verify ;;
    *=*)
      "${server#*=}" --listen "$address" --export bench --log-level warn 2>"$WORK/$name.log" &
      ANAME[$name]=bench ;;
    *) echo "ab.sh: unknown server '$server'" >&2; exit 2 ;;
  esac
  PIDS+=($!) PID[$name]=$! ADDRESS[$name]=$address
  NAMES+=("$name")
done
for name in "${NAMES[@]}"; do
  for _ in $(seq 100); do
    ss -ltnH "sport = :${ADDRESS[$name]##*:}" | grep -q . && break
    sleep 0.1
  done
done

for rep in $(seq "$REPS"); do
  for i in "${!NAMES[@]}"; do
    name=${NAMES[$(((i + rep) % ${#NAMES[@]}))]}
    # shellcheck disable=SC2086  # ARGS is a list of options
    timeout 120 "$P9BENCH" -a "${ADDRESS[$name]}" -n "${ANAME[$name]}" --server-pid "${PID[$name]}" \
      ${EXTRA[$name]:-} --csv --label "$name" $ARGS 2>>"$WORK/p9bench.err" | tail -n +2 | sed "s/^/$rep,/" ||
      echo "ab.sh: run against $name failed: $(tail -1 "$WORK/p9bench.err")" >&2
  done
done
