#!/usr/bin/env bash
# Builds a current guacd (1.5.5, 1.6.0) from the vendored guacamole-server archive into
# /opt/yunzhuo/guacd-<version>, beside Debian's 1.3.0, once: a build whose stamp matches the
# archive's sha256 and this recipe is kept. Called by install-deps.sh (which holds the install
# lock and has installed the build packages). Recipe and pitfalls: shared/notes/current-guacd.md.
#
#   bash test/setup/build-guacd.sh 1.6.0
set -euo pipefail

VERSION=${1:?usage: build-guacd.sh <version>}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENDOR_DIR=${YZ_GUACD_VENDOR_DIR:-$ROOT/../shared/vendor}
PREFIX=${YZ_GUACD_PREFIX_BASE:-/opt/yunzhuo}/guacd-$VERSION
ARCHIVE=$VENDOR_DIR/guacamole-server-$VERSION.tar.gz
# Bump when the steps below change, so a cached build made by an older recipe is redone.
RECIPE=2
# A plugin name no package owns: "guac16" for 1.6.0, "guac15" for 1.5.5.
TAG=guac$(printf '%s' "$VERSION" | cut -d. -f1,2 | tr -d .)

log() { printf 'build-guacd %s: %s\n' "$VERSION" "$*"; }

[[ -f "$ARCHIVE" ]] || { log "missing $ARCHIVE (shared/vendor beside the project)"; exit 1; }
sum=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
expected=$(awk -v f="guacamole-server-$VERSION.tar.gz" '$2 == f { print $1 }' "$VENDOR_DIR/SHA256SUMS" 2>/dev/null || true)
if [[ -n "$expected" && "$expected" != "$sum" ]]; then
  log "checksum mismatch for $ARCHIVE (expected $expected, got $sum)"
  exit 1
fi
stamp="$sum recipe=$RECIPE"
multiarch=$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH)
freerdp_dir=/usr/lib/$multiarch/freerdp2

plugins_linked() {
  [[ -e "$freerdp_dir/lib$TAG-common-svc-client.so" && -e "$freerdp_dir/lib${TAG}ai-client.so" ]]
}

if [[ -x "$PREFIX/sbin/guacd" && "$(cat "$PREFIX/.yunzhuo-stamp" 2>/dev/null)" == "$stamp" ]] && plugins_linked; then
  log "cached in $PREFIX"
  exit 0
fi

work=$(mktemp -d -t yunzhuo-guacd-XXXX)
trap 'rm -rf "$work"' EXIT
log "building into $PREFIX (work dir $work)"
tar -xzf "$ARCHIVE" -C "$work"
src=$work/guacamole-server-$VERSION
cd "$src"

# Pitfall 2 of the notes: FreeRDP loads channel plugins only from its own directory, where
# Debian's 1.3.0 copies live under the stock names. Give ours names of their own.
sed -i "s/\"guac-common-svc\"/\"$TAG-common-svc\"/" src/protocols/rdp/channels/common-svc.c
sed -i "s/\"guacai\"/\"${TAG}ai\"/" src/protocols/rdp/channels/audio-input/audio-input.c
sed -i \
  -e "s/libguac-common-svc-client\\.la/lib$TAG-common-svc-client.la/g" \
  -e "s/libguac_common_svc_client_la_/lib${TAG}_common_svc_client_la_/g" \
  -e "s/libguacai-client\\.la/lib${TAG}ai-client.la/g" \
  -e "s/libguacai_client_la_/lib${TAG}ai_client_la_/g" \
  src/protocols/rdp/Makefile.am
grep -q "\"$TAG-common-svc\"" src/protocols/rdp/channels/common-svc.c || { log "plugin rename did not apply"; exit 1; }

jobs=$(nproc 2>/dev/null || echo 2)
autoreconf -fi >"$work/autoreconf.log" 2>&1 || { tail -n 30 "$work/autoreconf.log"; exit 1; }
# Pitfall 1: an RPATH on every library, or guacd dlopen()s Debian's 1.3.0 libguac-client-rdp.so.
./configure --prefix="$PREFIX" --with-freerdp-plugin-dir="$PREFIX/lib/freerdp2" \
  --disable-guacenc --disable-guaclog --without-init-dir --without-systemd-dir \
  LDFLAGS="-Wl,--disable-new-dtags -Wl,-rpath,$PREFIX/lib" >"$work/configure.log" 2>&1 \
  || { tail -n 40 "$work/configure.log"; exit 1; }
grep -q 'RDP .*yes' "$work/configure.log" || { log "configure found no RDP support"; grep -A20 'Protocol support' "$work/configure.log"; exit 1; }
make -j"$jobs" >"$work/make.log" 2>&1 || { tail -n 40 "$work/make.log"; exit 1; }
rm -rf "$PREFIX"
make install >"$work/install.log" 2>&1 || { tail -n 40 "$work/install.log"; exit 1; }

for plugin in "lib$TAG-common-svc-client.so" "lib${TAG}ai-client.so"; do
  [[ -f "$PREFIX/lib/freerdp2/$plugin" ]] || { log "missing $PREFIX/lib/freerdp2/$plugin"; exit 1; }
  ln -sfn "$PREFIX/lib/freerdp2/$plugin" "$freerdp_dir/$plugin"
done
printf '%s' "$stamp" >"$PREFIX/.yunzhuo-stamp"
log "done: $("$PREFIX/sbin/guacd" -v 2>&1 | head -n1)"
