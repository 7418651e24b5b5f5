# Scenario 10: an export limited to 32 MiB and 256 inodes: ENOSPC past either limit, space and
# inodes come back on delete, df shows the limit.
[ -n "$P9_ANAME_SMALL" ] && have limits || { skip "the server has no size/inode-limited export"; return; }
p9_mount p9-0 /mnt "$P9_ANAME_SMALL" || { fail "mount of the limited export"; return; }
set -- $(df -k /mnt | tail -n 1)
expect_eq "df shows the 32 MiB size" "$2" 32768
expect_error "writing 40 MiB into 32 MiB fails" "No space left on device" dd if=/dev/zero of=/mnt/big bs=1M count=40
size=$(t_stat size /mnt/big)
[ "$size" -le 33554432 ] && pass "the file stopped at $size bytes" || fail "the file grew to $size bytes"
expect "delete the big file" rm /mnt/big
expect "the space is back: 24 MiB fit" dd if=/dev/zero of=/mnt/again bs=1M count=24
expect "delete it" rm /mnt/again

mkdir /mnt/many
t_mkfiles /mnt/many 1000 >/tmp/mkfiles.out
created=$(awk '/^created/ { print $2 }' /tmp/mkfiles.out)
expect_eq "creating files stops at the inode limit with ENOSPC" "$(grep '^error' /tmp/mkfiles.out)" "error ENOSPC"
[ "$created" -ge 200 ] && [ "$created" -le 256 ] && pass "$created files fit under a 256-inode limit" ||
  fail "$created files were created under a 256-inode limit"
expect "delete one file" rm /mnt/many/f000000
expect "one file can be created again" touch /mnt/many/again
expect "cleanup" rm -r /mnt/many
