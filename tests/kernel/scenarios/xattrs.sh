# Scenario 7: extended attributes and a POSIX ACL. The ACL is set through one mount and read back
# through a second connection mounted with posixacl (the client then loads ACLs from the server and
# enforces them).
p9_mount p9-0 /mnt "$P9_ANAME_MAIN" || { fail "mount"; return; }
echo x >/mnt/xfile
expect "xattrs in user.* and trusted.*" t_xattr /mnt/xfile
mkdir /mnt/xdir
expect "xattrs on a directory" t_xattr /mnt/xdir

echo "acl protected" >/mnt/aclfile
chmod 600 /mnt/aclfile
# Without posixacl the client keeps no ACL of its own (fs/9p/acl.c v9fs_get_acl caches none), so
# reading it back through /mnt would not reach the server: read it through /mnt2 below.
expect "set system.posix_acl_access" t_acl set /mnt/aclfile
expect_eq "the ACL mask shows in the group mode bits" "$(t_stat mode /mnt/aclfile)" 640
p9_mount p9-1 /mnt2 "$P9_ANAME_MAIN" posixacl || { fail "mount with posixacl"; return; }
expect "read the ACL through a posixacl mount" t_acl get /mnt2/aclfile
expect_eq "the ACL grants uid 1000 read" "$(su alice -c 'cat /mnt2/aclfile' 2>&1)" "acl protected"
expect_error "the ACL does not grant uid 1001" "Permission denied" su bob -c 'cat /mnt2/aclfile'
rm -r /mnt/xfile /mnt/xdir /mnt/aclfile
