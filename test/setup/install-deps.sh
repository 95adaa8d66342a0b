#!/usr/bin/env bash
# Installs the real test stack (guacd 1.3.0, xrdp + Xvnc, xterm, xclip, sshd, Chromium, CUPS with
# cups-pdf and pdftotext, fuse for xrdp-chansrv's drive mounts) on Debian
# bookworm, and builds the current guacd (1.6.0, 1.5.5) from shared/vendor beside it.
# Idempotent and non-interactive: CI runs it as root on a fresh machine and `npm test` runs it as
# pretest, so when everything is present it must return in about a second without touching apt.
# Two runs at once take turns (a lock), so neither sees the other's half-done install.
#
# guacd is not in bookworm; the six bullseye packages come from a PRIVATE apt index under
# $CACHE_DIR (nothing in /etc/apt changes). See shared/notes/real-desktop-stack.md and
# shared/notes/current-guacd.md.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

BULLSEYE_PKGS=(guacd libguac19 libguac-client-rdp0 libguac-client-vnc0 libssl1.1 libwebp6)
BOOKWORM_PKGS=(xrdp tigervnc-standalone-server xterm x11-utils xclip openssh-server chromium fonts-wqy-microhei ffmpeg zip unzip
  cups printer-driver-cups-pdf poppler-utils slapd ldap-utils fuse)
# What test/setup/build-guacd.sh needs to build guacd's RDP support.
GUACD_BUILD_PKGS=(autoconf automake libtool libtool-bin make gcc pkg-config libcairo2-dev libjpeg62-turbo-dev
  libpng-dev uuid-dev libssl-dev libwebp-dev freerdp2-dev libpango1.0-dev)
# The current guacd versions the tests run beside Debian's 1.3.0 (YZ_GUACD picks one).
GUACD_VERSIONS=(1.6.0 1.5.5)
CACHE_DIR=${YZ_DEPS_CACHE:-/var/cache/yunzhuo-deps}
BULLSEYE_MIRROR=${YZ_BULLSEYE_MIRROR:-http://deb.debian.org/debian}
POLICY_RC=/usr/sbin/policy-rc.d

log() { printf 'install-deps: %s\n' "$*"; }
SETUP_DIR=$(cd "$(dirname "$0")" && pwd)
POLICY_MARK='# yunzhuo test/setup/install-deps.sh: no daemon starts during install'

# Without root there is no lock to take (and nothing may be installed): only report.
if ((EUID == 0)); then
  mkdir -p /run/lock
  exec 9>/run/lock/yunzhuo-install-deps.lock
  flock 9
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

guacd_built() {
  [[ -x "/opt/yunzhuo/guacd-$1/sbin/guacd" && -f "/opt/yunzhuo/guacd-$1/.yunzhuo-stamp" ]]
}

build_current_guacd() {
  local version
  for version in "${GUACD_VERSIONS[@]}"; do bash "$SETUP_DIR/build-guacd.sh" "$version"; done
}

missing=()
for pkg in "${BULLSEYE_PKGS[@]}" "${BOOKWORM_PKGS[@]}" "${GUACD_BUILD_PKGS[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
unbuilt=()
for version in "${GUACD_VERSIONS[@]}"; do guacd_built "$version" || unbuilt+=("$version"); done
if ((${#missing[@]} == 0 && ${#unbuilt[@]} == 0)); then
  ((EUID == 0)) && build_current_guacd >/dev/null # re-checks each build's stamp; prints only on failure
  log "all packages present and guacd ${GUACD_VERSIONS[*]} built, nothing to do"
  exit 0
fi

((${#missing[@]} > 0)) && log "missing: ${missing[*]}"
((${#unbuilt[@]} > 0)) && log "guacd to build: ${unbuilt[*]}"
if ((EUID != 0)); then
  log "must run as root to install them; run:"
  log "  sudo bash $(realpath "$0")"
  exit 1
fi
if ((${#missing[@]} == 0)); then
  build_current_guacd
  exit 0
fi

# Waits for another apt/dpkg (e.g. an unattended run) instead of failing at once.
APT_COMMON=(-y -q -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)

bullseye_dir="$CACHE_DIR/bullseye"
bullseye_debs="$bullseye_dir/debs"
mkdir -p "$bullseye_dir/lists/partial" "$bullseye_debs" "$CACHE_DIR/archives/partial"

have_bullseye_debs() {
  local pkg
  for pkg in "${BULLSEYE_PKGS[@]}"; do
    compgen -G "$bullseye_debs/${pkg}_*.deb" >/dev/null || return 1
  done
}

if have_bullseye_debs; then
  log "bullseye .debs already cached in $bullseye_debs"
else
  log "fetching bullseye index into $bullseye_dir (private; /etc/apt untouched)"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bullseye main\n' \
    "$BULLSEYE_MIRROR" >"$bullseye_dir/sources.list"
  # pkgcache="" keeps apt from writing a binary cache that mixes bullseye into the system one.
  APT_BULLSEYE=(
    -o "Dir::Etc::SourceList=$bullseye_dir/sources.list"
    -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$bullseye_dir/lists"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
  )
  apt-get "${APT_COMMON[@]}" "${APT_BULLSEYE[@]}" update
  log "downloading ${BULLSEYE_PKGS[*]}"
  # apt-get download writes into the working directory; _apt must be able to write there.
  rm -f "$bullseye_debs"/*.deb
  chown _apt "$bullseye_debs" 2>/dev/null || true
  (cd "$bullseye_debs" && apt-get "${APT_COMMON[@]}" "${APT_BULLSEYE[@]}" download "${BULLSEYE_PKGS[@]}")
fi

# A policy-rc.d exiting 101 stops maintainer scripts from starting guacd/xrdp/sshd: the tests
# start their own instances on their own ports. Any previous policy-rc.d is put back afterwards.
policy_backup=""
# One left by an earlier run of this script that was killed is not the machine's: drop it.
if [[ -e "$POLICY_RC" ]] && grep -qF "$POLICY_MARK" "$POLICY_RC"; then rm -f "$POLICY_RC"; fi
if [[ -e "$POLICY_RC" ]]; then
  policy_backup="$CACHE_DIR/policy-rc.d.saved"
  cp -p "$POLICY_RC" "$policy_backup"
fi
restore_policy() {
  if [[ -n "$policy_backup" ]]; then mv -f "$policy_backup" "$POLICY_RC"; else rm -f "$POLICY_RC"; fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n%s\nexit 101\n' "$POLICY_MARK" >"$POLICY_RC"
chmod 0755 "$POLICY_RC"

# slapd: the directory tests start a private slapd with its own config and database in a temp
# dir, so the package creates no database of its own and is never a system service.
echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections

log "apt-get update (system sources)"
apt-get "${APT_COMMON[@]}" update

log "installing ${#BULLSEYE_PKGS[@]} bullseye .debs + ${BOOKWORM_PKGS[*]} (no recommends)"
# Archives under $CACHE_DIR survive the docker-clean hook that empties /var/cache/apt/archives.
apt-get "${APT_COMMON[@]}" --no-install-recommends \
  -o "Dir::Cache::Archives=$CACHE_DIR/archives" \
  install "$bullseye_debs"/*.deb "${BOOKWORM_PKGS[@]}" "${GUACD_BUILD_PKGS[@]}"

still_missing=()
for pkg in "${BULLSEYE_PKGS[@]}" "${BOOKWORM_PKGS[@]}" "${GUACD_BUILD_PKGS[@]}"; do
  is_installed "$pkg" || still_missing+=("$pkg")
done
if ((${#still_missing[@]} > 0)); then
  log "FAILED: still not installed: ${still_missing[*]}"
  exit 1
fi
restore_policy
trap - EXIT
# The tests start their own cupsd (loopback, own config dir); the system's must never start at boot.
if command -v update-rc.d >/dev/null; then update-rc.d cups disable >/dev/null 2>&1 || true; fi
if [[ -d /run/systemd/system ]]; then systemctl disable --now cups.service cups.socket cups.path >/dev/null 2>&1 || true; fi
# Installed while policy-rc.d refused every start; keep it from starting at the next boot too.
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  systemctl disable --now slapd >/dev/null 2>&1 || true
fi
update-rc.d slapd disable >/dev/null 2>&1 || true
build_current_guacd
log "done: guacd $(dpkg-query -W -f='${Version}' guacd) + ${GUACD_VERSIONS[*]}, xrdp $(dpkg-query -W -f='${Version}' xrdp)"
