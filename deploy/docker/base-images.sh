#!/usr/bin/env bash
# Makes the Dockerfile's base images, debian:12 and debian:12-slim, from a Debian mirror instead of
# a registry (air-gapped hosts, or an engine without access to Docker Hub): a minbase bookworm built
# by mmdebstrap, /usr merged as debootstrap does it (the usrmerge package would pull in perl),
# imported into the engine under those names. The slim one leaves out docs, man pages and locales
# as Docker Hub's slim images do (debuerreotype's .slimify-excludes), also from packages installed
# later. Needs root (or mmdebstrap's unshare mode) and the mirror.
# Usage: base-images.sh [podman|docker]   (MIRROR=http://... to use another mirror)
set -euo pipefail
engine=${1:-podman}
mirror=${MIRROR:-http://deb.debian.org}
sources=(
  "deb $mirror/debian bookworm main"
  "deb $mirror/debian bookworm-updates main"
  "deb $mirror/debian-security bookworm-security main"
)
slim=(
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/lintian/overrides/*' --dpkgopt='path-exclude=/usr/share/linda/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
)
case $engine in podman | docker) ;; *) echo "usage: base-images.sh [podman|docker]" >&2; exit 2 ;; esac
bootstrap() {
  mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr "$@" \
    bookworm - "${sources[@]}"
}
import() { "$engine" import --change 'CMD ["bash"]' - "$1"; }

bootstrap | import debian:12
bootstrap "${slim[@]}" | import debian:12-slim
"$engine" images --filter reference=debian
