#!/usr/bin/env bash
# Installs what building, running and testing p9tmpfs needs on Debian 12. Idempotent: it installs
# only packages that are missing, so a machine that has them all is left alone.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libasio-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libsystemd-dev
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev
  qemu-system-x86 busybox-static cpio xz-utils zstd kmod
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
