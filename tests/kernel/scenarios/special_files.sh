# Scenario 5: FIFOs, device nodes and Unix socket nodes on the export.
p9_mount_main /mnt || { fail "mount of the main export"; return; }
expect "mkfifo" mkfifo /mnt/fifo
expect_eq "fifo type" "$(t_stat type /mnt/fifo)" fifo
head -c 1000000 /dev/urandom >/tmp/fifo-data
(cat /tmp/fifo-data >/mnt/fifo) &
writer=$!
expect_eq "1 MB passes through the fifo between two processes" "$(md5sum </mnt/fifo)" "$(md5sum </tmp/fifo-data)"
wait $writer

expect "mknod c 1 3" mknod /mnt/null c 1 3
expect_eq "char device type" "$(t_stat type /mnt/null)" char
expect_eq "char device rdev" "$(t_stat rdev /mnt/null)" 1:3
expect "the node opens the guest's null device" sh -c 'echo discarded >/mnt/null'
expect_eq "reading it gives nothing" "$(cat /mnt/null | wc -c)" 0
expect "mknod b 7 200" mknod /mnt/blk b 7 200
expect_eq "block device rdev" "$(t_stat rdev /mnt/blk)" 7:200
expect "mknod c 4095 1048575 (large major/minor)" mknod /mnt/big c 4095 1048575
expect_eq "large rdev" "$(t_stat rdev /mnt/big)" 4095:1048575

expect "unix socket node" t_unixsock /mnt/sock
expect "cleanup" rm /mnt/fifo /mnt/null /mnt/blk /mnt/big
