# Sourced by every guest scenario: mounting through the virtio-serial relay, and assertions.
# A scenario runs its checks, each printing "ok: ..." or "FAIL: ...", and the harness's p9_finish
# turns the tally into the exit status (0 pass, 1 fail, 77 skipped because the server lacks a feature).

P9_FAILS=0
P9_SKIPPED=0
: "${P9_CACHE:=none}"

pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; P9_FAILS=$((P9_FAILS + 1)); }
skip() { echo "SKIP: $*"; P9_SKIPPED=1; }

# expect DESCRIPTION COMMAND...: the command must succeed.
expect() {
  local desc=$1 start; shift
  start=$(uptime_cs)
  if "$@" >/tmp/expect.out 2>&1; then
    pass "$desc$(elapsed_since "$start")"
    sed "s/^/note: /" /tmp/expect.out
  else
    fail "$desc (exit $?: $(head -c 600 /tmp/expect.out))"
  fi
}

# Guest uptime in centiseconds, and " (N.NN s)" for steps that took long enough to be worth timing.
uptime_cs() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }
elapsed_since() {
  local d=$(($(uptime_cs) - $1))
  [ "$d" -ge 50 ] && printf " (%d.%02d s)" $((d / 100)) $((d % 100))
}

# expect_error DESCRIPTION MESSAGE COMMAND...: the command must fail and say MESSAGE (strerror text;
# an extended regular expression, so "A|B" accepts either).
expect_error() {
  local desc=$1 msg=$2; shift 2
  if "$@" >/tmp/expect.out 2>&1; then
    fail "$desc (succeeded, expected '$msg')"
  elif grep -qE "$msg" /tmp/expect.out; then
    pass "$desc"
  else
    fail "$desc (expected '$msg', got: $(head -c 600 /tmp/expect.out))"
  fi
}

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', expected '$3')"; fi
}

# have FEATURE: the server under test was started with that capability (run.sh passes P9_FEATURES).
have() { case ",$P9_FEATURES," in *",$1,"*) return 0 ;; esac; return 1; }

p9_finish() {
  if [ "$P9_FAILS" -gt 0 ]; then echo "scenario $P9_SCENARIO: $P9_FAILS check(s) failed"; exit 1; fi
  [ "$P9_SKIPPED" = 1 ] && exit 77
  exit 0
}

# p9_mount PORT MOUNTPOINT ANAME [OPTIONS]: mount over virtio-serial port PORT with trans=fd.
# trans=fd cannot write to a virtio port itself ("kernel write not supported"), so two cats relay
# between the port and two FIFOs. The port is opened once (virtio_console allows a single opener)
# and shared by both cats. The kernel's ends are opened read-only / write-only, so that when the
# server goes away the relay's EOF reaches the client as an error (ECONNRESET, then EIO), not a hang.
p9_mount() {
  local port=$1 mnt=$2 aname=$3 opts=${4:-} relay=/run/relay-$1
  mkdir -p "$relay" "$mnt"
  mkfifo "$relay/from-server" "$relay/to-server"
  (
    cat <&3 >"$relay/from-server" &
    echo $! >"$relay/rx.pid"
    cat "$relay/to-server" >&3 &
    wait
  ) 3<>"/dev/virtio-ports/$port" &
  mount -t 9p -o "trans=fd,rfdno=5,wfdno=6,version=9p2000.L,aname=$aname,cache=$P9_CACHE${opts:+,$opts}" \
    "p9-$port" "$mnt" 5<"$relay/from-server" 6>"$relay/to-server"
}

# The guest's network for trans=tcp: the server is at 10.0.2.100 port 564 (run.sh's guestfwd).
p9_net_up() {
  ip link set lo up
  ip link set eth0 up
  ip addr add 10.0.2.15/24 dev eth0 2>/dev/null
}

# p9_mount_tcp MOUNTPOINT ANAME [OPTIONS]: trans=tcp to the guestfwd address run.sh set up.
p9_mount_tcp() {
  local mnt=$1 aname=$2 opts=${3:-}
  p9_net_up
  mkdir -p "$mnt"
  mount -t 9p -o "trans=tcp,port=564,version=9p2000.L,aname=$aname,cache=$P9_CACHE${opts:+,$opts}" \
    10.0.2.100 "$mnt"
}

# Options the deployment docs recommend for trans=tcp (besides trans, port, version, cache): keep
# the two in step.
P9_TCP_OPTS=msize=1048576

# p9_mount_main MOUNTPOINT [OPTIONS]: the main export over the transport this run was started with.
p9_mount_main() {
  if [ -n "$P9_TCP" ]; then p9_mount_tcp "$1" "$P9_ANAME_MAIN" "${2:-$P9_TCP_OPTS}"
  else p9_mount p9-0 "$1" "$P9_ANAME_MAIN" "${2:-}"; fi
}

# The msize the client actually negotiated for a mount point (from /proc/mounts).
p9_msize() { awk -v m="$1" '$2 == m { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] ~ /^msize=/) print substr(o[i], 7) }' /proc/mounts; }

# Forget cached pages and dentries so that the next read really goes to the server.
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
