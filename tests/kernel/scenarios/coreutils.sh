# Scenario 1: a coreutils workload (busybox) with stat fields checked, nanosecond times included.
p9_mount_main /mnt || { fail "mount of the main export"; return; }
m=/mnt/coreutils

expect "mkdir -p" mkdir -p $m/a/b/c
expect_eq "new directory mode" "$(t_stat mode $m/a/b/c)" 755
expect_eq "directory nlink counts subdirectories (2 + 1)" "$(t_stat nlink $m/a)" 3

# A source tree in the guest's own tmpfs, copied in and compared file by file.
mkdir -p /tmp/src/sub/deeper
echo one >/tmp/src/one
seq 1 20000 >/tmp/src/sub/numbers
head -c 300000 /dev/urandom >/tmp/src/sub/deeper/random
ln -s one /tmp/src/link
tree_sums() { (cd "$1" && find . -type f | sort | xargs md5sum && find . -type l | sort); }
expect "cp -r of a tree" cp -r /tmp/src $m/tree
expect_eq "copied tree matches the source" "$(tree_sums $m/tree)" "$(tree_sums /tmp/src)"
expect_eq "cp -r keeps the symlink" "$(readlink $m/tree/link)" one

expect "mv within a directory" mv $m/tree/one $m/tree/uno
expect "mv across directories" mv $m/tree/uno $m/a/b/
expect_eq "moved file contents" "$(cat $m/a/b/uno)" one
expect "mv of a directory" mv $m/tree/sub $m/a/sub
expect_eq "moved directory contents" "$(md5sum <$m/a/sub/deeper/random)" "$(md5sum </tmp/src/sub/deeper/random)"
expect_error "mv a directory into itself" "Invalid argument" mv $m/a $m/a/b/c/
expect "rm -r" rm -r $m/tree
expect_error "removed tree is gone" "No such file" ls $m/tree
expect_error "rmdir of a non-empty directory" "Directory not empty" rmdir $m/a
expect_error "mkdir of an existing name" "File exists" mkdir $m/a

echo linked >$m/orig
expect "ln (hard link)" ln $m/orig $m/hard
expect_eq "nlink after ln" "$(t_stat nlink $m/orig)" 2
expect_eq "hard link shares the inode" "$(t_stat ino $m/hard)" "$(t_stat ino $m/orig)"
echo more >>$m/hard
expect_eq "write through one name shows through the other" "$(cat $m/orig)" "linked
more"
expect "rm one name" rm $m/orig
expect_eq "nlink after removing one name" "$(t_stat nlink $m/hard)" 1

expect "ln -s" ln -s ../some/where/else $m/sym
expect_eq "readlink" "$(readlink $m/sym)" ../some/where/else
expect_eq "symlink type" "$(t_stat type $m/sym)" symlink
expect "ln -s to an existing file" ln -s hard $m/sym2
expect_eq "read through a symlink" "$(cat $m/sym2)" "linked
more"

echo data >$m/f
expect "chmod 751" chmod 751 $m/f
expect_eq "mode after chmod" "$(t_stat mode $m/f)" 751
ctime_before=$(t_stat ctime $m/f)
sleep 0.05
expect "chmod u+s,g-x" chmod u+s,g-x $m/f
expect_eq "mode after symbolic chmod" "$(t_stat mode $m/f)" 4741
[ "$(t_stat ctime $m/f)" != "$ctime_before" ] && pass "chmod changes ctime" || fail "chmod left ctime at $ctime_before"
expect "chown 1000:1001" chown 1000:1001 $m/f
expect_eq "owner after chown" "$(t_stat uid $m/f):$(t_stat gid $m/f)" 1000:1001
expect_eq "chown by root clears set-user-ID" "$(t_stat mode $m/f)" 741

expect "touch -d" touch -d "2001-02-03 04:05:06" $m/f
expect_eq "mtime after touch -d" "$(t_stat mtime $m/f)" 981173106.000000000
# The client cuts times set by utimensat to whole seconds before they reach the wire: v9fs sets no
# s_time_gran, so the VFS default of 1 s applies (fs/utimes.c vfs_utimes -> timestamp_truncate).
expect "utimensat with nanoseconds" t_utimens $m/f 1000000000.123456789 1234567890.987654321
expect_eq "atime set by utimensat (seconds; the client drops the nanoseconds)" "$(t_stat atime $m/f)" 1000000000.000000000
expect_eq "mtime set by utimensat" "$(t_stat mtime $m/f)" 1234567890.000000000
mtime_before=$(t_stat mtime $m/f)
echo again >>$m/f
mtime=$(t_stat mtime $m/f)
[ "$mtime" != "$mtime_before" ] && pass "write updates mtime" || fail "write left mtime at $mtime_before"
# Times the server sets itself do reach the client with nanoseconds (under cache=loose the client
# keeps its own whole-second times until the inode is dropped).
drop_caches
mtime=$(t_stat mtime $m/f)
case $mtime in
  *.000000000) fail "the server's mtime $mtime has no sub-second part" ;;
  *) pass "the server's mtime carries nanoseconds ($mtime)" ;;
esac

expect "truncate -s (grow)" truncate -s 100000 $m/f
expect_eq "size after growing" "$(t_stat size $m/f)" 100000
expect_eq "grown part reads as zeros" "$(tail -c 90000 $m/f | md5sum)" "$(head -c 90000 /dev/zero | md5sum)"
expect "truncate -s (shrink)" truncate -s 3 $m/f
expect_eq "contents after shrinking" "$(cat $m/f)" dat
expect_eq "size of a 20000-line file" "$(t_stat size $m/a/sub/numbers)" "$(t_stat size /tmp/src/sub/numbers)"

# df: the export reports a size, and used + available never exceed it.
df_line=$(df -k /mnt | tail -n 1)
set -- $df_line
if [ "$#" -ge 4 ] && [ "$2" -gt 0 ] && [ $(($3 + $4)) -le "$2" ]; then pass "df: $df_line"
else fail "df output: $df_line"; fi

expect "rm -r of everything" rm -r $m
expect "unmount" umount /mnt
