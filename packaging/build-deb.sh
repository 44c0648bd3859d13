#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build-deb.sh [OUTDIR]: build the netkit2-dkms Debian package from this
# checkout and leave the .deb in OUTDIR (default $NETKIT2_CACHE/deb, that
# is /var/cache/netkit2/deb).
#
# The files git tracks (as they are in the working tree) are copied to a
# temporary directory, packaging/debian becomes debian/ there, and
# dpkg-buildpackage builds the binary package. The checkout is not written
# to. Needs dpkg-dev, debhelper and dh-dkms.
set -eu

usage() {
	echo "usage: $0 [OUTDIR]" >&2
	exit 2
}

case "${1:-}" in
-h | --help) usage ;;
esac
[ $# -le 1 ] || usage

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(git -C "$here" rev-parse --show-toplevel)
outdir=${1:-${NETKIT2_CACHE:-/var/cache/netkit2}/deb}

for tool in dpkg-buildpackage dpkg-parsechangelog dh dh_dkms; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$0: $tool not found (apt-get install dpkg-dev debhelper dh-dkms)" >&2
		exit 1
	}
done

version=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$repo/dkms.conf" | head -n1)
[ -n "$version" ] || { echo "$0: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
debversion=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)
if [ "${debversion%-*}" != "$version" ]; then
	echo "$0: dkms.conf says $version, packaging/debian/changelog says $debversion;" \
		"add a changelog entry for $version-1" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netkit2-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
src=$tmp/netkit2-$version

mkdir -p "$src"
git -C "$repo" ls-files -z | (cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$src"
rm -rf "$src/debian"
cp -R "$here/debian" "$src/debian"

(cd "$src" && dpkg-buildpackage -b -us -uc)

mkdir -p "$outdir"
found=0
for deb in "$tmp"/*.deb; do
	[ -f "$deb" ] || continue
	cp "$deb" "$outdir/"
	echo "$outdir/$(basename "$deb")"
	found=1
done
[ "$found" -eq 1 ] || { echo "$0: dpkg-buildpackage made no .deb" >&2; exit 1; }
