# Scenario 3: open-unlink and rename over an open file (the client walks from open fids).
p9_mount_main /mnt || { fail "mount of the main export"; return; }
mkdir -p /mnt/ou
expect "open-unlink and rename over an open file" t_unlinked /mnt/ou

# The same across processes: a reader holds the old file open while another process renames a
# new one over it.
echo "old file" >/mnt/ou/name
echo "new file" >/mnt/ou/new
(exec 3</mnt/ou/name; echo opened >/tmp/reader-ready; sleep 1; cat <&3 >/tmp/reader-saw) &
reader=$!
while [ ! -e /tmp/reader-ready ]; do sleep 0.05; done
expect "rename over a file another process holds open" mv /mnt/ou/new /mnt/ou/name
wait $reader
expect_eq "the other process still reads the old file" "$(cat /tmp/reader-saw)" "old file"
expect_eq "the name shows the new file" "$(cat /mnt/ou/name)" "new file"
expect "cleanup" rm -r /mnt/ou
