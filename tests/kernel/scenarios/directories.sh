# Scenario 4: 10,000 entries; readdir during concurrent create/remove; telldir/seekdir.
p9_mount_main /mnt || { fail "mount of the main export"; return; }
mkdir /mnt/big
expect "create 10000 files" t_mkfiles /mnt/big 10000
expect_eq "ls | wc -l" "$(ls /mnt/big | wc -l)" 10000
expect_eq "directory nlink with files only" "$(t_stat nlink /mnt/big)" 2
# No rm -r: the server is discarded after the scenario, and 10,000 removals would double its time.
mkdir /mnt/churn
expect "readdir under concurrent change, telldir/seekdir" t_readdir /mnt/churn
