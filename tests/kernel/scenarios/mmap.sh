# Scenario 8: a shared writable mapping + msync; the data is visible through read() afterwards,
# also after the page cache was dropped (so it really reached the server). run.sh mounts with
# cache=mmap for this scenario.
p9_mount_main /mnt || { fail "mount of the main export"; return; }
expect "shared writable mapping, msync, read()" t_mmap write /mnt/mapped
drop_caches
expect "mapped data read back from the server" t_mmap verify /mnt/mapped
rm /mnt/mapped
