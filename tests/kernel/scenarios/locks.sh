# Scenario 6: POSIX locks and flock between two guest processes, through one mount (the client's
# own lock table sees the conflict first) and through two mounts on two connections (only the
# server can see it).
p9_mount p9-0 /mnt "$P9_ANAME_MAIN" || { fail "mount 1"; return; }
p9_mount p9-1 /mnt2 "$P9_ANAME_MAIN" || { fail "mount 2"; return; }
echo lock-me >/mnt/lockfile
for mode in conflict getlk wait cancel flock; do
  expect "$mode, one mount" t_lock $mode /mnt/lockfile /mnt/lockfile
  expect "$mode, two connections" t_lock $mode /mnt/lockfile /mnt2/lockfile
done
rm /mnt/lockfile
