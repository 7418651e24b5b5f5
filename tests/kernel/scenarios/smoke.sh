# Boot, mount the main export, write and read one file, unmount: measures the harness's fixed cost.
p9_mount_main /mnt || { fail "mount of the main export"; return; }
expect "write a file" sh -c 'echo hello >/mnt/smoke'
expect_eq "read it back" "$(cat /mnt/smoke)" hello
expect "remove it" rm /mnt/smoke
expect "unmount" umount /mnt
