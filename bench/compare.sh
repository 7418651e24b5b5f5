#!/usr/bin/env bash
# p9tmpfs against its peers, measured with the same client (p9bench) in the same run.
#
# Starts p9tmpfs (release build), Debian's diod (exporting a fresh tmpfs), nfs-ganesha with FSAL MEM
# (9P only, inside a private network namespace that has nothing but loopback, msize 64 KiB) and
# p9null (the transport floor); measures an iperf3 loopback ceiling; runs every workload group against
# each server, interleaved, REPS times; prints tables of medians with the ratios p9tmpfs / best peer
# and p9tmpfs / p9null (bench/summarize.py). Loopback only. Every process, mount and namespace it
# made is removed on exit, also on Ctrl-C. Needs root (mount, ip netns, apt-get for missing peers).
#
#   bench/compare.sh [-b BUILD_DIR] [-r REPS] [-t SECONDS] [-o OUT_DIR] [-g GROUP,...]
#
# A benchmark, not a test: the project's test command never runs it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build/release
REPS=5
SECONDS_PER_RUN=2
OUT=/tmp/p9bench-compare-$(date +%Y%m%d-%H%M%S)
ONLY_GROUPS=""
while getopts "b:r:t:o:g:h" opt; do
  case $opt in
    b) BUILD=$(realpath "$OPTARG") ;;
    r) REPS=$OPTARG ;;
    t) SECONDS_PER_RUN=$OPTARG ;;
    o) OUT=$OPTARG ;;
    g) ONLY_GROUPS=$OPTARG ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "compare.sh: needs root (tmpfs mount, network namespace)" >&2; exit 2; }

# Each group is one p9bench invocation per server: its name, then p9bench's arguments. Metadata runs
# use 4 connections (as the issue's figures do); data runs one connection with 8 requests in flight.
WORKLOAD_GROUPS=(
  "getattr   -w getattr -c 4 -d 8 -m 65536"
  "walk      -w walk -c 4 -d 8 -m 65536"
  "create    -w create -c 4 -d 8 -m 65536"
  "readdir   -w readdir --entries 1000 -c 4 -d 8 -m 65536"
  "mixed     -w mixed -c 4 -d 8 -m 65536 --size 256M"
  "randread  -w randread -c 4 -d 8 -m 65536 --size 256M"
  "randwrite -w randwrite -c 4 -d 8 -m 65536 --size 256M"
  "seq64k    -w seqwrite,seqread -c 1 -d 8 -m 65536 --size 512M"
  "seq1m     -w seqwrite,seqread -c 1 -d 8 -m 1048600 --size 1G"
)
SERVERS=(p9tmpfs diod ganesha null)
PORT_P9TMPFS=5741 PORT_DIOD=5742 PORT_NULL=5743 PORT_IPERF=5744 PORT_GANESHA=564
NETNS=p9bench-$$

# ---- build and install what is missing ----------------------------------------------------------
P9TMPFS=$BUILD/server/p9tmpfs P9BENCH=$BUILD/bench/p9bench P9NULL=$BUILD/bench/p9null
if [[ ! -x $P9TMPFS || ! -x $P9BENCH || ! -x $P9NULL ]]; then
  if [[ $BUILD == "$ROOT/build/release" ]]; then
    (cd "$ROOT" && cmake --preset release >/dev/null)
  fi
  cmake --build "$BUILD" --target p9tmpfs p9bench p9null
fi
missing=()
command -v diod >/dev/null || missing+=(diod)
command -v ganesha.nfsd >/dev/null || missing+=(nfs-ganesha)
compgen -G "/usr/lib/*/ganesha/libfsalmem.so" >/dev/null || missing+=(nfs-ganesha-mem)
command -v iperf3 >/dev/null || missing+=(iperf3)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ---- servers ------------------------------------------------------------------------------------
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/p9bench-work.XXXXXX)
DIOD_EXPORT=$WORK/diod-export
PIDS=()
# SIGTERM, then SIGKILL for a process that has not gone within 5 s (ganesha takes its time).
stop_pid() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
}
cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  wait 2>/dev/null
  for pid in $(ip netns pids "$NETNS" 2>/dev/null); do stop_pid "$pid"; done
  ip netns del "$NETNS" 2>/dev/null
  mountpoint -q "$DIOD_EXPORT" && umount "$DIOD_EXPORT"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until something listens on port (in namespace ns, if given).
wait_listening() {
  local port=$1 ns=${2:-}
  for _ in $(seq 100); do
    if ${ns:+ip netns exec "$ns"} ss -ltnH "sport = :$port" | grep -q .; then return 0; fi
    sleep 0.1
  done
  echo "compare.sh: nothing listens on port $port" >&2
  return 1
}

"$P9TMPFS" --listen "tcp:127.0.0.1:$PORT_P9TMPFS" --export bench --log-level warn 2>"$OUT/p9tmpfs.log" &
PIDS+=($!) PID_P9TMPFS=$!

mkdir -p "$DIOD_EXPORT"
mount -t tmpfs -o size=8g p9bench "$DIOD_EXPORT"
diod -f -n -l "127.0.0.1:$PORT_DIOD" -e "$DIOD_EXPORT" -L "$OUT/diod.log" &
PIDS+=($!) PID_DIOD=$!

"$P9NULL" --listen "tcp:127.0.0.1:$PORT_NULL" --entries 1000 2>"$OUT/p9null.log" &  # the readdir group's --entries
PIDS+=($!) PID_NULL=$!

# ganesha binds every interface whatever Bind_addr says: give it a namespace with only loopback.
ip netns add "$NETNS"
ip netns exec "$NETNS" ip link set lo up
cat >"$WORK/ganesha.conf" <<CONF
NFS_CORE_PARAM { Protocols = 9P; }
_9P { _9P_TCP_Port = $PORT_GANESHA; _9P_TCP_Msize = 65536; }
EXPORT {
  Export_Id = 1; Path = /mem; Pseudo = /mem; Tag = mem;
  Access_Type = RW; Squash = None; Protocols = 9P;
  FSAL { Name = MEM; }
}
CONF
ip netns exec "$NETNS" ganesha.nfsd -F -f "$WORK/ganesha.conf" -L "$OUT/ganesha.log" -p "$WORK/ganesha.pid" -N NIV_WARN &
PIDS+=($!)

iperf3 -s -B 127.0.0.1 -p "$PORT_IPERF" >/dev/null 2>&1 &
PIDS+=($!)

wait_listening "$PORT_P9TMPFS"
wait_listening "$PORT_DIOD"
wait_listening "$PORT_NULL"
wait_listening "$PORT_IPERF"
wait_listening "$PORT_GANESHA" "$NETNS"
PID_GANESHA=$(cat "$WORK/ganesha.pid")

# Where each server is and what it needs. ganesha keeps no file data past Inode_Size and p9null none
# at all: their reads are not verified.
declare -A ADDRESS=([p9tmpfs]=tcp:127.0.0.1:$PORT_P9TMPFS [diod]=tcp:127.0.0.1:$PORT_DIOD
                    [ganesha]=tcp:127.0.0.1:$PORT_GANESHA [null]=tcp:127.0.0.1:$PORT_NULL)
declare -A ANAME=([p9tmpfs]=bench [diod]=$DIOD_EXPORT [ganesha]=mem [null]="")
declare -A PID=([p9tmpfs]=$PID_P9TMPFS [diod]=$PID_DIOD [ganesha]=$PID_GANESHA [null]=$PID_NULL)

# p9bench --csv against one server (inside ganesha's namespace for ganesha).
bench_on() {
  local server=$1; shift
  local netns=() verify=()
  [[ $server == ganesha ]] && netns=(ip netns exec "$NETNS")
  [[ $server == ganesha || $server == null ]] && verify=(--no-verify)
  timeout 120 "${netns[@]}" "$P9BENCH" -a "${ADDRESS[$server]}" -n "${ANAME[$server]}" --server-pid "${PID[$server]}" \
    "${verify[@]}" --csv --label "$server" -t "$SECONDS_PER_RUN" "$@"
}

# ---- the runs -----------------------------------------------------------------------------------
{
  echo "date: $(date -Is)"
  echo "kernel: $(uname -r)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) x $(nproc)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "peers: $(dpkg-query -W -f '${Package} ${Version}\n' diod nfs-ganesha nfs-ganesha-mem iperf3 | paste -sd ';')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt"

RESULTS=$OUT/results.csv
rm -f "$RESULTS"
failures=0
for rep in $(seq "$REPS"); do
  for entry in "${WORKLOAD_GROUPS[@]}"; do
    read -r group args <<<"$entry"
    [[ -z $ONLY_GROUPS || ,$ONLY_GROUPS, == *,$group,* ]] || continue
    # Rotate the order of the servers each repetition so that none always runs first or last.
    for i in "${!SERVERS[@]}"; do
      server=${SERVERS[$(((i + rep) % ${#SERVERS[@]}))]}
      echo "rep $rep/$REPS  $group  $server" >&2
      # shellcheck disable=SC2086  # args is a list of options
      out=$(bench_on "$server" $args 2>>"$OUT/p9bench.err") || {
        echo "  failed (see $OUT/p9bench.err)" >&2
        failures=$((failures + 1))
      }
      [[ -n $out ]] || continue
      [[ -s $RESULTS ]] || echo "group,rep,$(head -1 <<<"$out")" >"$RESULTS"
      tail -n +2 <<<"$out" | sed "s/^/$group,$rep,/" >>"$RESULTS"
    done
  done
  timeout 60 iperf3 -c 127.0.0.1 -p "$PORT_IPERF" -t "$SECONDS_PER_RUN" -J >"$OUT/iperf3-$rep.json" || failures=$((failures + 1))
done

# Syscalls and context switches per RPC, counted by perf for the whole server process: doing fewer of
# both than p9null is the only way to beat it. Setup RPCs are not in the RPC count (< 0.1%).
SYSCALLS=$OUT/syscalls.csv
if command -v perf >/dev/null; then
  echo "server,workload,rpcs,syscalls,context_switches" >"$SYSCALLS"
  for server in "${SERVERS[@]}"; do
    for workload in getattr create; do
      perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "${PID[$server]}" -o "$WORK/perf.txt" &
      perf_pid=$!
      sleep 0.5  # perf attaches
      out=$(bench_on "$server" -w "$workload" -c 4 -d 8 -m 65536 2>>"$OUT/p9bench.err") || failures=$((failures + 1))
      kill -INT "$perf_pid"
      wait "$perf_pid" || true
      rpcs=$(tail -1 <<<"$out" | cut -d, -f8)
      syscalls=$(grep raw_syscalls "$WORK/perf.txt" | cut -d, -f1)
      switches=$(grep context-switches "$WORK/perf.txt" | cut -d, -f1)
      echo "$server,$workload,$rpcs,$syscalls,$switches" >>"$SYSCALLS"
    done
  done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"

extra=()
[[ -s $SYSCALLS ]] && extra=(--syscalls "$SYSCALLS")
"$ROOT/bench/summarize.py" "$RESULTS" --iperf "$OUT"/iperf3-*.json "${extra[@]}" | tee "$OUT/summary.md"
echo "results: $OUT (failed runs: $failures)"
