# Scenario 9: permissions with access=user (the client attaches once per uid; the server must
# enforce). The client checks mode bits itself too, so the decisive checks go through a second
# mount with cache=loose whose cached attributes are stale: there only the server can refuse.
have access-user || { skip "the server was not started with per-user access checks"; return; }
p9_mount p9-0 /mnt "$P9_ANAME_MAIN" access=user || { fail "mount access=user"; return; }
p9_mount p9-1 /mnt2 "$P9_ANAME_MAIN" access=user,cache=loose || { fail "second mount"; return; }
as() { local who=$1; shift; su "$who" -c "$*"; }

echo secret >/mnt/private && chmod 600 /mnt/private
expect_error "uid 1000 cannot read root's 0600 file" "Permission denied" as alice cat /mnt/private
mkdir /mnt/rootdir && chmod 755 /mnt/rootdir
expect_error "uid 1000 cannot create in root's 0755 directory" "Permission denied" as alice touch /mnt/rootdir/x

echo readable >/mnt/stale && chmod 644 /mnt/stale
mkdir /mnt/closing && chmod 777 /mnt/closing
expect "uid 1000 reads a 0644 file through the caching mount" as alice cat /mnt2/stale
expect "uid 1000 looks at a 0777 directory through the caching mount" as alice ls /mnt2/closing
chmod 600 /mnt/stale
chmod 755 /mnt/closing
expect_error "server refuses uid 1000 reading a file now 0600" "Permission denied" as alice cat /mnt2/stale
expect_error "server refuses uid 1000 creating in a directory now 0755" "Permission denied" as alice touch /mnt2/closing/x

mkdir /mnt/pub && chmod 1777 /mnt/pub
expect "uid 1000 creates a file" as alice "echo mine >/mnt/pub/alice-file"
expect_eq "the file is owned by 1000:1000" "$(t_stat uid /mnt/pub/alice-file):$(t_stat gid /mnt/pub/alice-file)" 1000:1000
expect "uid 1000 creates a directory" as alice mkdir /mnt/pub/alice-dir
expect_eq "the directory is owned by 1000" "$(t_stat uid /mnt/pub/alice-dir)" 1000
# Without this, a server that refuses uid 1001 altogether would pass the sticky checks below.
expect "uid 1001 can list the sticky directory" as bob ls /mnt/pub
expect_error "sticky directory: uid 1001 cannot remove 1000's file" "Operation not permitted" as bob rm -f /mnt/pub/alice-file
expect_error "sticky directory: uid 1001 cannot rename 1000's file" "Operation not permitted" as bob mv /mnt/pub/alice-file /mnt/pub/taken
expect "sticky directory: the owner can remove it" as alice rm /mnt/pub/alice-file

mkdir /mnt/sgid && chown 0:2000 /mnt/sgid && chmod 2777 /mnt/sgid
expect "uid 1000 creates in a setgid directory" as alice "touch /mnt/sgid/f && mkdir /mnt/sgid/d"
expect_eq "new file inherits the directory's group" "$(t_stat gid /mnt/sgid/f)" 2000
expect_eq "new directory inherits the group" "$(t_stat gid /mnt/sgid/d)" 2000
expect_eq "new directory inherits the setgid bit" "$(( 0$(t_stat mode /mnt/sgid/d) & 02000 ))" 1024

echo payload >/mnt/pub/suid && chmod 4777 /mnt/pub/suid
echo payload >/mnt/pub/sgid && chmod 2777 /mnt/pub/sgid
expect "uid 1000 writes root's set-user-ID file" as alice "echo more >>/mnt/pub/suid"
expect "uid 1000 writes root's set-group-ID file" as alice "echo more >>/mnt/pub/sgid"
drop_caches
expect_eq "the write cleared set-user-ID" "$(t_stat mode /mnt/pub/suid)" 777
expect_eq "the write cleared set-group-ID" "$(t_stat mode /mnt/pub/sgid)" 777
rm -rf /mnt/private /mnt/rootdir /mnt/stale /mnt/closing /mnt/pub /mnt/sgid
