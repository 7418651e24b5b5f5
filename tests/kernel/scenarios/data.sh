# Scenario 2: data integrity at msize 64 KiB and 1 MiB (64 MiB of random data), a 1 GiB sparse
# file, O_APPEND from two processes, pread/pwrite at odd offsets.
port=0
for msize in 65536 1048576; do
  mnt=/mnt/m$msize
  p9_mount p9-$port $mnt "$P9_ANAME_MAIN" msize=$msize || { fail "mount with msize=$msize"; continue; }
  port=$((port + 1))
  expect_eq "negotiated msize" "$(p9_msize $mnt)" $msize
  expect "write 64 MiB at msize $msize" t_data write $mnt/random-$msize 64 $msize
  drop_caches
  expect "read 64 MiB back at msize $msize" t_data verify $mnt/random-$msize 64 $msize
  expect "remove the 64 MiB file" rm $mnt/random-$msize
done
m=/mnt/m65536

used_before=$(df -k $m | tail -n 1 | awk '{ print $3 }')
head -c 4096 /dev/urandom >/tmp/block
expect "write 4 KiB at 1 GiB - 4 KiB" dd if=/tmp/block of=$m/sparse bs=4096 count=1 seek=262143
expect_eq "sparse file size" "$(t_stat size $m/sparse)" 1073741824
blocks=$(t_stat blocks $m/sparse)
[ "$blocks" -le 2048 ] && pass "sparse file allocates $blocks blocks" || fail "sparse file allocates $blocks 512-byte blocks"
used_after=$(df -k $m | tail -n 1 | awk '{ print $3 }')
[ $((used_after - used_before)) -le 4096 ] && pass "df used grew by $((used_after - used_before)) KiB for the sparse file" ||
  fail "df used grew by $((used_after - used_before)) KiB for a 4 KiB write into a sparse file"
drop_caches
expect_eq "the hole reads as zeros" "$(dd if=$m/sparse bs=4096 skip=131072 count=1 2>/dev/null | md5sum)" "$(head -c 4096 /dev/zero | md5sum)"
expect_eq "the data at the end reads back" "$(dd if=$m/sparse bs=4096 skip=262143 2>/dev/null | md5sum)" "$(md5sum </tmp/block)"
expect "remove the sparse file" rm $m/sparse

expect "O_APPEND from two processes" t_append $m/append 2 2000
expect "pread/pwrite at odd offsets" t_pio $m/pio
rm -f $m/append $m/pio
