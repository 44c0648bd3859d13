#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fetch-src.sh SUITE DESTDIR
#
# Fetch Debian's iproute2 source package for SUITE (bookworm, trixie, ...),
# extract it with dpkg-source and run its ./configure, so that the link
# plugin can be built against its include/ directory. The work is cached
# under ${NETKIT2_CACHE:-/var/cache/netkit2}/iproute2/SUITE; DESTDIR is left
# as a symbolic link to the extracted tree. Running it again is cheap.
#
# The host's apt state is never touched: a private deb-src apt state is
# derived from the mirror named in the host's own sources.
#
# Environment:
#   NETKIT2_CACHE      cache root (default /var/cache/netkit2)
#   NETKIT2_MIRROR     Debian mirror URI (default: read from the host's
#                      apt sources)
#   NETKIT2_REFRESH=1  refresh the package lists even if they exist
set -eu

usage() {
	echo "usage: $0 SUITE DESTDIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
SUITE=$1
DEST=$2
case $SUITE in
	''|*/*|*' '*) usage ;;
esac

CACHE=${NETKIT2_CACHE:-/var/cache/netkit2}/iproute2/$SUITE
STATE=$CACHE/apt
PKGDIR=$CACHE/pkg

msg() { echo "fetch-src: $*" >&2; }
die() { msg "$*"; exit 1; }

for tool in apt-get dpkg-source; do
	command -v $tool >/dev/null 2>&1 ||
		die "$tool not found (apt-get install dpkg-dev)"
done

# The Debian mirror: the first URI of the host's sources that serves the
# main archive (not the security archive).
find_mirror() {
	if [ -n "${NETKIT2_MIRROR:-}" ]; then
		echo "$NETKIT2_MIRROR"
		return
	fi
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr -s ' \t' '\n'
	done | grep -v -e '^$' -e 'security' | head -n 1 | grep . && return
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		sed -n 's/^deb\(-src\)\?[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\3/p' "$f"
	done | grep -v 'security' | head -n 1 | grep . && return
	return 1
}

APT="apt-get -q -o Dir::Etc::SourceList=/dev/null
	-o Dir::Etc::SourceParts=$STATE/parts
	-o Dir::State::Lists=$STATE/lists
	-o Dir::Cache::Archives=$STATE/archives
	-o Dir::State::status=$STATE/status
	-o Dir::Cache=$STATE/cache
	-o APT::Sandbox::User=root"

setup_state() {
	mirror=$(find_mirror) || die "no Debian mirror found in /etc/apt"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -r "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"
	mkdir -p "$STATE/parts" "$STATE/lists/partial" \
		"$STATE/archives/partial" "$STATE/cache"
	[ -e "$STATE/status" ] || : > "$STATE/status"
	new=$(printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$mirror" "$SUITE" "$keyring")
	if [ ! -e "$STATE/parts/src.sources" ] ||
	   [ "$(cat "$STATE/parts/src.sources")" != "$new" ]; then
		printf '%s\n' "$new" > "$STATE/parts/src.sources"
		rm -f "$STATE/updated"
	fi
	if [ ! -e "$STATE/updated" ] || [ "${NETKIT2_REFRESH:-0}" = 1 ]; then
		msg "updating package lists for $SUITE"
		$APT update >&2 || die "apt-get update failed for $SUITE"
		: > "$STATE/updated"
	fi
}

setup_state

# Which version does the suite carry?
VERSION=$($APT -qq --print-uris source iproute2 2>/dev/null |
	sed -n "s/.*[[:space:]]iproute2_\([^[:space:]]*\)\.dsc[[:space:]].*/\1/p" | head -n 1)
[ -n "$VERSION" ] || die "no iproute2 source package in $SUITE"
UPSTREAM=${VERSION#*:}
UPSTREAM=${UPSTREAM%-*}
TREE=$CACHE/iproute2-$VERSION

if [ ! -e "$TREE/.netkit2-ready" ]; then
	mkdir -p "$PKGDIR"
	if [ ! -e "$PKGDIR/iproute2_$VERSION.dsc" ]; then
		msg "downloading iproute2 $VERSION ($SUITE)"
		(cd "$PKGDIR" && $APT --download-only source iproute2 >&2) ||
			die "download of iproute2 $VERSION ($SUITE) failed: does the mirror carry its source?"
	fi
	rm -rf "$TREE"
	msg "extracting iproute2 $VERSION"
	dpkg-source -q --no-check -x "$PKGDIR/iproute2_$VERSION.dsc" "$TREE" >&2 ||
		die "dpkg-source -x failed"
	# ./configure writes config.mk and the generated headers, so the tree
	# is the one iproute2 is built from; it needs no library to succeed.
	msg "configuring iproute2 $VERSION"
	(cd "$TREE" && ./configure > configure.log 2>&1) ||
		die "./configure failed, see $TREE/configure.log"
	echo "$VERSION" > "$TREE/.netkit2-ready"
fi

# Leave DESTDIR pointing at the tree.
if [ -L "$DEST" ] || [ ! -e "$DEST" ]; then
	ln -sfn "$TREE" "$DEST"
elif [ "$(cd "$DEST" && pwd -P)" != "$(cd "$TREE" && pwd -P)" ]; then
	die "$DEST exists and is not a symbolic link; remove it first"
fi
msg "iproute2 $UPSTREAM ($VERSION) for $SUITE: $DEST -> $TREE"
