#!/usr/bin/env bash
# Builds the guest's initramfs: busybox, the 9p/virtio modules in load order, our /init and scenario
# scripts (first cpio), then the static test programs (second cpio appended; the kernel unpacks both).
# Left uncompressed: unpacking gzip under TCG costs more than reading the bigger image.
# Usage: initramfs.sh KERNEL_DIR SUITE_DIR PROGRAMS_DIR OUTPUT   (SUITE_DIR: tests/kernel, with guest/ and scenarios/)
set -euo pipefail
kdir=${1:?usage: initramfs.sh KERNEL_DIR SUITE_DIR PROGRAMS_DIR OUTPUT}
suite=${2:?}
progs=${3:?}
out=${4:?}
kver=$(basename "$(cd "$kdir" && pwd -P)")

stage=$(mktemp -d "${out}.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,run,etc,lib/modules,p9/bin}

cp "$kdir/busybox" "$stage/bin/busybox"
cp "$suite/guest/init" "$stage/init"
cp "$suite/guest/lib.sh" "$stage/p9/lib.sh"
cp -r "$suite/scenarios" "$stage/p9/scenarios"

# Load order from modprobe's dependency walk, each module once. virtio_net only matters for trans=tcp.
load_order() {
  for m in "$@"; do modprobe -d "$kdir/root" -S "$kver" --show-depends "$m"; done |
    awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}
copy_modules() {
  local list=$1; shift
  : >"$stage/etc/$list"
  for path in $(load_order "$@"); do
    name=$(basename "$path")
    cp "$path" "$stage/lib/modules/$name"
    echo "$name" >>"$stage/etc/$list"
  done
}
copy_modules modules.fd virtio_pci virtio_console 9pnet_fd 9p
# trans=tcp runs may use virtio-serial ports too (docker_options relays trans=unix over one).
copy_modules modules.net virtio_pci virtio_console virtio_net 9pnet_fd 9p

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$out.tmp"
mkdir -p "$stage/progs/p9/bin"
cp "$progs"/t_* "$stage/progs/p9/bin/"
(cd "$stage/progs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >>"$out.tmp"
mv "$out.tmp" "$out"
