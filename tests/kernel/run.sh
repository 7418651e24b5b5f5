#!/usr/bin/env bash
# Runs one guest scenario against a fresh server: starts the server, boots the guest kernel under
# QEMU with one virtio-serial port per 9P connection (plus user networking for trans=tcp), waits for
# the guest's exit marker, and judges the run: scenario status, kernel BUG/WARNING/Oops in dmesg,
# server exit status. On failure prints the guest console and the server log's tail.
#
# Usage: run.sh --kernel VMLINUX --initramfs FILE --work DIR --scenario NAME
#               [--cache none|loose|mmap] [--ports N] [--tcp] [--timeout SECONDS]
# Environment: P9_SERVER_KIND (p9tmpfs|diod), P9_SERVER_BIN (p9tmpfs binary).
# Exit status: 0 pass, 77 skipped (the server lacks a feature the scenario needs), 1 fail.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server.sh"

kernel='' initramfs='' work='' scenario='' cache=none ports=1 tcp='' timeout=180
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) kernel=$2; shift ;;
    --initramfs) initramfs=$2; shift ;;
    --work) work=$2; shift ;;
    --scenario) scenario=$2; shift ;;
    --cache) cache=$2; shift ;;
    --ports) ports=$2; shift ;;
    --tcp) tcp=1 ;;
    --timeout) timeout=$2; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$kernel" ] || [ -z "$initramfs" ] || [ -z "$work" ] || [ -z "$scenario" ]; then
  echo "run.sh: --kernel, --initramfs, --work and --scenario are required" >&2
  exit 2
fi
: "${P9_SERVER_KIND:=p9tmpfs}"
if [ "$P9_SERVER_KIND" = p9tmpfs ] && [ ! -x "${P9_SERVER_BIN:-}" ]; then
  echo "SKIP: the p9tmpfs server is not built (P9_SERVER_BIN='${P9_SERVER_BIN:-}')"
  exit 77
fi

rm -rf "$work"
mkdir -p "$work"
# Unix socket paths are limited to 108 bytes: keep the socket out of the (possibly deep) build tree.
sockdir=$(mktemp -d "${TMPDIR:-/tmp}/p9k.XXXXXX")
sock=$sockdir/server.sock
console=$work/console.log
qemu_pid=

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  server_status=$?
  SERVER_PID=
}
cleanup() {
  [ -n "$qemu_pid" ] && kill -KILL "$qemu_pid" 2>/dev/null
  stop_server
  rm -rf "$sockdir" "$work/export"
}
trap cleanup EXIT
# ctest kills a test that overruns: exit through the EXIT trap so that QEMU and the server go too.
trap 'exit 143' TERM INT HUP

# A free-looking loopback port for the TCP listener; retried when the server cannot bind it.
pick_port() { echo $((20000 + (RANDOM * 32768 + RANDOM) % 40000)); }

started=
for _ in 1 2 3 4 5; do
  port=$(pick_port)
  tcp_listening "$port" && continue
  server_start "$work" "$sock" "$port" || exit 1
  for _ in $(seq 100); do
    if unix_listening "$sock" && tcp_listening "$port"; then started=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$started" ] && break
  stop_server
done
if [ -z "$started" ]; then
  echo "FAIL: the server did not start listening on $sock and 127.0.0.1:$port"
  tail -n 40 "$SERVER_LOG"
  exit 1
fi

# KVM only where the CPU really offers it; /dev/kvm alone can be a backend stock kernels hang on.
accel=tcg,thread=multi
if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=kvm; fi

qemu=(qemu-system-x86_64 -accel "$accel" -smp 1 -m 1024 -nodefaults -display none -no-reboot
      -serial stdio -kernel "$kernel" -initrd "$initramfs"
      -device virtio-serial-pci)
for ((i = 0; i < ports; i++)); do
  qemu+=(-chardev "socket,id=c$i,path=$sock" -device "virtserialport,chardev=c$i,name=p9-$i")
done
if [ -n "$tcp" ]; then
  # restrict=on: the guest reaches nothing but the one forwarded address, which leads to loopback.
  # shellcheck disable=SC2054 # commas separate QEMU's suboptions, not array elements
  qemu+=(-netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:564-tcp:127.0.0.1:$port"
         -device virtio-net-pci,netdev=n0)
fi
guest_timeout=$((timeout - 15))
qemu+=(-append "console=ttyS0 panic=-1 quiet -- P9_SCENARIO=$scenario P9_CACHE=$cache P9_TCP=$tcp \
 P9_ANAME_MAIN=$P9_ANAME_MAIN P9_ANAME_SECOND=$P9_ANAME_SECOND P9_ANAME_SMALL=$P9_ANAME_SMALL \
 P9_FEATURES=${P9_FEATURES// /,} P9_TIMEOUT=$guest_timeout")

begin=$(date +%s.%N)
: >"$console"  # exists before the loop below reads it, whenever QEMU starts writing
"${qemu[@]}" >"$console" 2>&1 </dev/null &
qemu_pid=$!

# Wait for QEMU to power off, serving the guest's requests (lines "P9TEST-REQUEST what") meanwhile.
served=0
timed_out=
deadline=$((SECONDS + timeout))
while kill -0 "$qemu_pid" 2>/dev/null; do
  if ((SECONDS >= deadline)); then timed_out=1; kill -KILL "$qemu_pid"; break; fi
  mapfile -t requests < <(grep -a '^P9TEST-REQUEST ' "$console" | tr -d '\r')
  while ((served < ${#requests[@]})); do
    case ${requests[served]#P9TEST-REQUEST } in
      kill-server) kill -KILL "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; server_killed=1 ;;
    esac
    served=$((served + 1))
  done
  sleep 0.1
done
wait "$qemu_pid" 2>/dev/null
qemu_pid=
wall=$(echo "$(date +%s.%N) $begin" | awk '{ printf "%.2f", $1 - $2 }')

server_status=0
stop_server
tr -d '\r' <"$console" >"$console.txt"
exit_line=$(grep -a '^P9TEST-EXIT ' "$console.txt" | tail -n1)
guest_status=${exit_line#P9TEST-EXIT }
dmesg_text=$(sed -n '/^P9TEST-DMESG-BEGIN/,/^P9TEST-DMESG-END/p' "$console.txt")
# A guest that died before its dmesg dump (panic, QEMU killed) printed its messages on the console.
[ -n "$dmesg_text" ] || dmesg_text=$(cat "$console.txt")

problems=()
[ -n "$timed_out" ] && problems+=("the guest did not finish within ${timeout}s (QEMU killed)")
[ -z "$timed_out" ] && [ -z "$exit_line" ] && problems+=("the guest stopped without an exit marker")
if grep -qE 'BUG:|WARNING:|Oops|general protection fault|Kernel panic|INFO: task .* blocked|Call Trace' <<<"$dmesg_text"; then
  problems+=("the guest kernel logged a BUG/WARNING/Oops (see dmesg above)")
fi
if [ "$P9_SERVER_KIND" = p9tmpfs ] && [ -z "${server_killed:-}" ] && [ "$server_status" != 0 ]; then
  problems+=("the server exited with status $server_status after SIGTERM")
fi
grep -qa '^P9TEST-GUEST-TIMEOUT' "$console.txt" &&
  problems+=("the scenario hung; the guest's watchdog killed it (blocked tasks are in dmesg)")
case $guest_status in
  0 | '') ;;
  77) ;;
  *) problems+=("scenario $scenario failed (guest status $guest_status)") ;;
esac

echo "=== scenario $scenario (cache=$cache${tcp:+, trans=tcp}, server $P9_SERVER_KIND)"
timing="wall ${wall}s; guest $(grep -a '^P9TEST-TIME' "$console.txt" | cut -d' ' -f2 | paste -sd' ')"
if ((${#problems[@]})); then
  echo "=== guest console (dmesg between the P9TEST-DMESG markers)"
  cat "$console.txt"
  echo "=== server log (last 60 lines)"
  tail -n 60 "$SERVER_LOG"
  echo "=== timing: $timing"
  grep -a '^FAIL: ' "$console.txt"
  printf 'FAIL: %s\n' "${problems[@]}"
  exit 1
fi
grep -aE '^(ok|FAIL|SKIP|note): ' "$console.txt"
echo "=== guest dmesg (since the scenario started)"
sed -n '/p9test: scenario .* starts/,$p' <<<"$dmesg_text" | grep -v '^P9TEST-DMESG-END'
echo "=== timing: $timing"
[ "$guest_status" = 77 ] && { echo "SKIPPED: the server lacks a feature this scenario needs"; exit 77; }
echo "PASS: $scenario"
