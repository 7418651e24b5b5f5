# Scenario 12: a second export mounted beside the first, three mounts of one tree on three
# connections, and the server killed while mounted: the next accesses fail (ECONNRESET, then EIO), no hang.
p9_mount p9-0 /mnt "$P9_ANAME_MAIN" || { fail "mount 1"; return; }
if have second-export; then
  p9_mount p9-1 /second "$P9_ANAME_SECOND" || fail "mount of the second export"
  echo first >/mnt/which
  echo second >/second/which
  expect_eq "the exports are separate trees" "$(cat /mnt/which) $(cat /second/which)" "first second"
else
  skip "the server has no second export"
fi

p9_mount p9-2 /mnt3 "$P9_ANAME_MAIN" || fail "mount 3"
p9_mount p9-3 /mnt4 "$P9_ANAME_MAIN" || fail "mount 4"
echo shared >/mnt/shared
expect_eq "three connections see one tree" "$(cat /mnt3/shared) $(cat /mnt4/shared)" "shared shared"
expect "remove through the third connection" rm /mnt4/shared
expect_error "the removal shows through the first" "No such file" cat /mnt/shared

echo open >/mnt/held
exec 7<>/mnt/held
echo "P9TEST-REQUEST kill-server"
# The relay sees end-of-file when the host side closes; wait for that (at most 10 s).
rx=$(cat /run/relay-p9-0/rx.pid)
for _ in $(seq 100); do [ -d /proc/$rx ] || break; sleep 0.1; done
[ -d /proc/$rx ] && fail "the relay did not see the server go away within 10 s"
# The first request after the hang-up reports the transport's ECONNRESET (net/9p/trans_fd.c:
# p9_poll_mux cancels the connection with -ECONNRESET, p9_fd_request returns it), later ones EIO.
# "timeout" leaves a watcher process behind that inherits open descriptors: keep fd 7 out of it.
dead="Input/output error|Connection reset by peer"
expect_error "stat after the server died fails (EIO/ECONNRESET)" "$dead" timeout 10 stat /mnt/held 7>&-
expect_error "ls after the server died fails" "$dead" timeout 10 ls /mnt 7>&-
expect_error "write to an open file fails" "$dead" sh -c 'echo x >&7'
exec 7>&-
expect "umount after the server died" timeout 20 umount /mnt
