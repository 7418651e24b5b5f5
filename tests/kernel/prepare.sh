#!/usr/bin/env bash
# The kernel suite's fixture: fetches the guest kernel (fetch.sh) and builds the initramfs with this
# build's guest programs (initramfs.sh) into OUT_DIR as vmlinux + initramfs.cpio for run.sh.
# Usage: prepare.sh CACHE_DIR PROGRAMS_DIR OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: prepare.sh CACHE_DIR PROGRAMS_DIR OUT_DIR}
programs=${2:?}
out=${3:?}
mkdir -p "$out"
kdir=$("$here/fetch.sh" "$cache")
ln -sfn "$kdir/vmlinux" "$out/vmlinux"
"$here/initramfs.sh" "$kdir" "$here" "$programs" "$out/initramfs.cpio"
echo "prepare: kernel $(basename "$kdir"), initramfs $(du -k "$out/initramfs.cpio" | cut -f1) KiB"
