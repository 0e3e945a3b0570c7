#!/usr/bin/env bash
# Installs the optional outside toolchains ChainWeave's tests use when present:
#   Go 1.23 (wasip1 guests), rustc + wasm32 std (Rust guests), Mesa lavapipe 25.x (WebGPU on CPU),
#   g++ (HLS C simulation), spin (Promela cross-check).
# Debian packages only; Go 1.23 and a Mesa new enough for Dawn come from bookworm-backports.
# Idempotent. Without root (or apt) it prints why and exits 0: tests then skip visibly.
set -u

log() { printf '[setup-toolchains] %s\n' "$*"; }

if [ "$(id -u)" != "0" ]; then
  log "not root: skipping toolchain installation (tests that need Go/Rust/Vulkan/g++/spin will be skipped)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "apt-get not found: skipping toolchain installation"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
if [ -z "$codename" ]; then
  log "cannot read the Debian codename from /etc/os-release: skipping"
  exit 0
fi

# Enable <codename>-backports with the same URI as the main Debian source, when missing.
if ! grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
  uri=$(grep -rhs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}')
  [ -n "$uri" ] || uri="http://deb.debian.org/debian"
  log "enabling ${codename}-backports from $uri"
  cat > /etc/apt/sources.list.d/chainweave-backports.sources <<SRC
Types: deb
URIs: $uri
Suites: ${codename}-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

if ! apt-get update -qq >/dev/null 2>&1; then
  log "apt-get update failed: continuing with the package lists we have"
fi

install() { # install [-t suite] pkgs...
  if apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    log "installed: $*"
  else
    log "could not install: $* (tests that need it will be skipped)"
  fi
}

command -v g++ >/dev/null 2>&1 || install g++
command -v spin >/dev/null 2>&1 || install spin
[ -x /usr/lib/go-1.23/bin/go ] || install -t "${codename}-backports" golang-1.23-go
dpkg -s libstd-rust-dev-wasm32 >/dev/null 2>&1 || install rustc libstd-rust-dev-wasm32
# Debian's rust-lld (the wasm32 linker rustc calls) is a link to lld-14, which rustc does not pull in.
[ -x /usr/bin/lld-14 ] || install lld-14
# Dawn rejects bookworm's Mesa 22.3; lavapipe from backports (25.x) works.
mesa_ver=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
case "$mesa_ver" in
  2[4-9].*|[3-9][0-9].*) ;;
  *) install -t "${codename}-backports" mesa-vulkan-drivers libvulkan1 ;;
esac

log "g++: $(command -v g++ >/dev/null && g++ --version | head -n1 || echo missing)"
log "spin: $(command -v spin >/dev/null && spin -V 2>&1 | head -n1 || echo missing)"
log "go: $([ -x /usr/lib/go-1.23/bin/go ] && /usr/lib/go-1.23/bin/go version || echo missing)"
log "rustc wasm32: $(dpkg -s libstd-rust-dev-wasm32 >/dev/null 2>&1 && echo present || echo missing), lld-14: $([ -x /usr/bin/lld-14 ] && echo present || echo missing)"
log "mesa-vulkan-drivers: $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo missing)"
exit 0
