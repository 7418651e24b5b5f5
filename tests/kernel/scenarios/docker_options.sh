# Issue 6: the mount options deploy/docker/ gives Docker's `local` volume driver (type=9p), used
# verbatim but for the address, port and aname: trans=tcp to the host's forwarded port, and
# trans=unix to a socket in the guest that t_relay joins to the server (as dockerd's mount reaches
# a socket on its host). Both mount one export at once and do real work, each seeing the other's:
# write and read back, readdir, rename of a file and of a directory, remove.
# deploy/docker/README.md and compose.yml quote these two strings; tests/ops checks they agree.
DOCKER_TCP_OPTS="trans=tcp,port=564,version=9p2000.L,aname=$P9_ANAME_MAIN,msize=1048576,cache=mmap"
DOCKER_UNIX_OPTS="trans=unix,version=9p2000.L,aname=$P9_ANAME_MAIN,msize=1048576,cache=mmap"

[ -n "$P9_TCP" ] || { fail "run this scenario with run.sh --tcp"; return; }
p9_net_up
mkdir -p /mnt/tcp /mnt/unix
mount -t 9p -o "$DOCKER_TCP_OPTS" 10.0.2.100 /mnt/tcp || { fail "mount -o $DOCKER_TCP_OPTS"; return; }
t_relay /run/p9.sock /dev/virtio-ports/p9-0 || { fail "the relay to the server did not start"; return; }
mount -t 9p -o "$DOCKER_UNIX_OPTS" /run/p9.sock /mnt/unix || { fail "mount -o $DOCKER_UNIX_OPTS"; return; }
pass "both mounts"
for m in /mnt/tcp /mnt/unix; do
  expect_eq "$m: msize 1 MiB negotiated" "$(p9_msize $m)" 1048576
  opts=$(awk -v m=$m '$2 == m { print $4 }' /proc/mounts)
  echo "note: $m: $opts"
  # Linux 6.1 shows the cache mode bare, "mmap" (fs/9p/v9fs.c v9fs_show_options).
  case ",$opts," in
    *,mmap,* | *,cache=mmap,*) pass "$m: cache=mmap in force" ;;
    *) fail "$m: no cache=mmap in $opts" ;;
  esac
done

head -c 3000000 /dev/urandom >/tmp/data
sum=$(md5sum </tmp/data)
expect "write 3 MB through trans=tcp" cp /tmp/data /mnt/tcp/data
expect_eq "read it back through trans=unix" "$(md5sum </mnt/unix/data)" "$sum"
expect "write through trans=unix" sh -c 'echo from-unix >/mnt/unix/note'
expect_eq "read it through trans=tcp" "$(cat /mnt/tcp/note)" from-unix

mkdir /mnt/tcp/dir
expect_eq "create 200 files through trans=tcp" "$(t_mkfiles /mnt/tcp/dir 200)" "created 200"
expect_eq "readdir through trans=unix lists them" "$(ls /mnt/unix/dir | wc -l)" 200
expect "rename a file through trans=unix" mv /mnt/unix/data /mnt/unix/dir/moved
expect_eq "trans=tcp reads it under the new name" "$(md5sum </mnt/tcp/dir/moved)" "$sum"
expect_error "and not under the old one" "No such file" cat /mnt/tcp/data
expect "rename the directory through trans=tcp" mv /mnt/tcp/dir /mnt/tcp/renamed
expect_eq "trans=unix lists it under the new name" "$(ls /mnt/unix/renamed | wc -l)" 201
expect "remove everything through trans=unix" rm -r /mnt/unix/renamed /mnt/unix/note
expect_eq "trans=tcp sees an empty export" "$(ls -A /mnt/tcp)" ""
expect "unmount trans=tcp" umount /mnt/tcp
expect "unmount trans=unix" umount /mnt/unix
