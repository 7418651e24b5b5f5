#!/usr/bin/env bash
# Usage: smoke.sh P9NULL P9BENCH (see CMakeLists.txt beside this file).
set -euo pipefail
P9NULL=$1 P9BENCH=$2
DIR=$(mktemp -d)
"$P9NULL" --listen "unix:$DIR/null.sock" 2>"$DIR/null.log" &
NULL_PID=$!
trap 'kill "$NULL_PID"; wait "$NULL_PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 100); do [[ -S $DIR/null.sock ]] && break; sleep 0.05; done

fail() { echo "FAIL: $*" >&2; exit 1; }
bench() { "$P9BENCH" -a "unix:$DIR/null.sock" --server-pid "$NULL_PID" "$@"; }

# Every workload runs and reports rates, latency and the server's CPU time.
out=$(bench -w getattr,walk,create,readdir,randread,randwrite,seqwrite,seqread,mixed -t 0.2 -c 2 -d 4 \
  --size 4M --no-verify) || fail "p9bench failed: $out"
echo "$out"
[[ $(grep -c 'ops/s' <<<"$out") == 9 ]] || fail "expected 9 results"
grep -q 'latency p50' <<<"$out" || fail "no latency"
grep -q 'server .* CPU-s' <<<"$out" || fail "no server CPU time"

# CSV: a header and one line per result, with the agreed msize.
csv=$(bench -w getattr --ops 100 --csv --no-verify -m 65536 --label null) || fail "p9bench --csv failed"
[[ $(wc -l <<<"$csv") == 2 ]] || fail "expected header + 1 line: $csv"
[[ $(cut -d, -f1,2,5,7 <<<"$csv" | tail -1) == "null,getattr,65536,100" ]] || fail "unexpected CSV: $csv"

# fill makes the requested number of files and reports the per-file memory figures.
out=$(bench -w fill --files 2000 --no-verify) || fail "fill failed: $out"
grep -q 'rss_bytes_per_file' <<<"$out" || fail "fill printed no memory figures: $out"

# p9null reads back zeros: with verification on, p9bench must say so and fail.
if out=$(bench -w seqread -t 0.2 --size 1M); then fail "p9bench accepted zeros as its pattern"; fi
grep -q 'VERIFY FAILED' <<<"$out" || fail "no verify failure reported: $out"
# p9null lists a directory of --entries (1000) files, in as many Treaddir rounds as msize needs:
# p9bench's count of names matches it, and a listing of a different size is caught.
out=$(bench -w readdir --entries 1000 -m 8192 -t 0.2) || fail "readdir of p9null's listing failed: $out"
if out=$(bench -w readdir --entries 999 -t 0.2); then fail "p9bench accepted 1000 names for 999"; fi
grep -q 'VERIFY FAILED' <<<"$out" || fail "no verify failure reported for the listing: $out"
echo "PASS"
