# shellcheck shell=bash disable=SC2034
# Common helpers for the host-side test scripts (sourced, not executed).

NETKIT2_CACHE=${NETKIT2_CACHE:-/var/cache/netkit2}
export NETKIT2_CACHE
export DEBIAN_FRONTEND=noninteractive

# Kernels under test.  The 6.x ones run on the host's root filesystem and are
# built with the host's toolchain; 7.3 runs on (and is built in) a trixie root.
NK2_KERNELS_ALL="6.1.0-57-amd64 6.12.117+deb12-amd64 7.3.4+deb13-amd64"
NK2_TRIXIE_KVER="7.3.4+deb13-amd64"
NK2_TRIXIE_ROOT="$NETKIT2_CACHE/trixie-root"
NK2_IPLIB_DIR="/usr/lib/x86_64-linux-gnu/ip" # iproute2 plugin dir

nk2_log() { printf '%s: %s\n' "${NK2_ME:-${0##*/}}" "$*" >&2; }
nk2_die() { nk2_log "error: $*"; exit 1; }

# Run "$@" up to 3 times (for network operations).
nk2_retry() {
	local n=1
	until "$@"; do
		if [ "$n" -ge 3 ]; then
			nk2_log "failed after $n attempts: $*"
			return 1
		fi
		nk2_log "attempt $n failed, retrying in $((n * 5)) s: $*"
		sleep $((n * 5))
		n=$((n + 1))
	done
}

# Time a named step: nk2_step NAME cmd args...
nk2_step() {
	local name=$1 start rc=0
	shift
	start=$(date +%s)
	nk2_log "[$name] ..."
	"$@" || rc=$?
	if [ "$rc" -eq 0 ]; then
		nk2_log "[$name] done in $(($(date +%s) - start)) s"
	else
		nk2_log "[$name] FAILED (rc=$rc) after $(($(date +%s) - start)) s"
	fi
	return "$rc"
}

# A build that must stay quiet: nk2_build LOG WHAT cmd args... runs the
# command with its output in LOG and fails when the command does (the end
# of LOG shown) or LOG holds any compiler, linker or kbuild warning.
nk2_build() {
	local log=$1 what=$2
	shift 2
	"$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }
	if grep -n -i -E 'warning:|warning \(|^WARNING' "$log" >&2; then
		nk2_log "$what printed warnings (see $log)"
		return 1
	fi
}

# The Debian mirror URI of this machine, read from its apt sources.
nk2_mirror() {
	local f uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/ && $i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $2 !~ /security/ && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list)
	fi
	[ -n "$uri" ] || nk2_die "cannot find a Debian mirror in /etc/apt/sources*"
	printf '%s\n' "${uri%/}"
}

# apt-get/apt-cache against the private trixie state (never the host's).
NK2_APT_TRIXIE="$NETKIT2_CACHE/apt-trixie"
nk2_apt_trixie_opts() {
	printf '%s\n' -o Dir::Etc::SourceList=/dev/null \
		-o "Dir::Etc::SourceParts=$NK2_APT_TRIXIE/parts" \
		-o "Dir::State::Lists=$NK2_APT_TRIXIE/lists" \
		-o "Dir::Cache::Archives=$NK2_APT_TRIXIE/archives" \
		-o "Dir::State::status=$NK2_APT_TRIXIE/status" \
		-o APT::Sandbox::User=root
}
nk2_apt_trixie() {
	local -a opts
	mapfile -t opts < <(nk2_apt_trixie_opts)
	apt-get "${opts[@]}" "$@"
}

nk2_sha() { sha256sum | cut -c1-16; }

# nk2_extract TARBALL DEST: DEST becomes the tarball's single top folder.
nk2_extract() {
	local tarball=$1 dest=$2 tmp top
	tmp=$(mktemp -d "$dest.tmp.XXXXXX") || return 1
	tar -C "$tmp" -xf "$tarball" || { rm -rf "$tmp"; return 1; }
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -f "$top/Makefile" ] || { rm -rf "$tmp"; return 1; }
	mv "$top" "$dest" && rm -rf "$tmp"
}

# nk2_trixie_source SERIES: $NETKIT2_CACHE/src/usr/src/linux-source-SERIES
# .tar.xz, downloaded once through the private trixie apt state that
# scripts/prepare sets up.
nk2_trixie_source() {
	local pkg=linux-source-$1 deb
	[ -f "$NETKIT2_CACHE/src/usr/src/$pkg.tar.xz" ] && return 0
	[ -f "$NK2_APT_TRIXIE/parts/trixie.sources" ] ||
		{ nk2_log "no trixie apt state: run scripts/prepare"; return 1; }
	mkdir -p "$NETKIT2_CACHE/debs" "$NETKIT2_CACHE/src"
	(cd "$NETKIT2_CACHE/debs" && rm -f "${pkg}_"*.deb &&
		nk2_retry nk2_apt_trixie download -q "$pkg") || return 1
	deb=$(find "$NETKIT2_CACHE/debs" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
	[ -n "$deb" ] || { nk2_log "$pkg not downloaded"; return 1; }
	dpkg-deb -x "$deb" "$NETKIT2_CACHE/src" && rm -f "$deb"
}

# Mounts below a directory, deepest first.
nk2_mounts_below() {
	local dir
	dir=$(readlink -f "$1")
	awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}
nk2_umount_below() {
	local m
	while read -r m; do
		[ -n "$m" ] || continue
		umount "$m" 2>/dev/null || umount -l "$m"
	done < <(nk2_mounts_below "$1")
}

# Remove a directory tree safely (never follow mounts into the host).
nk2_rmtree() {
	[ -e "$1" ] || return 0
	nk2_umount_below "$1"
	if [ -n "$(nk2_mounts_below "$1")" ]; then
		nk2_die "still mounted below $1, refusing to remove it"
	fi
	rm -rf --one-file-system "$1"
}

# Run a command in the trixie root with /proc, /sys, /dev and the given host
# directories bind-mounted (at the same path).  The mounts are made in a
# mount namespace of the command's own, so they vanish with it, never leak
# into the 7.3 guest's root and never disturb another command running in
# the same root at the same time.
#   nk2_chroot_run [-b DIR]... [--] CMD [ARG...]
nk2_chroot_run() {
	local root=$NK2_TRIXIE_ROOT
	local -a binds=()
	while [ $# -gt 0 ]; do
		case $1 in
		-b) binds+=("$2"); shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[ -x "$root/bin/sh" ] || nk2_die "no trixie root at $root (run scripts/prepare)"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/bash -ec '
		root=$1 n=$2
		shift 2
		mount -t proc proc "$root/proc"
		mount -t sysfs sys "$root/sys"
		mount --bind /dev "$root/dev"
		while [ "$n" -gt 0 ]; do
			mkdir -p "$root$1"
			mount --bind "$1" "$root$1"
			shift
			n=$((n - 1))
		done
		exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' nk2-chroot "$root" "${#binds[@]}" "${binds[@]}" "$@"
}

# Copy the source tree (tracked + untracked non-ignored files) to $2.
nk2_copy_tree() {
	local src=$1 dst=$2
	nk2_rmtree "$dst"
	mkdir -p "$dst"
	(cd "$src" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$src" && while IFS= read -r -d '' f; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			printf '%s\0' "$f"
		done) |
		(cd "$src" && cpio --quiet -0 -pdm "$dst")
}

nk2_is_trixie_kernel() { [ "$1" = "$NK2_TRIXIE_KVER" ]; }

# The netdevsim source of KVER's kernel, for kernels that do not ship the
# module but whose queue-create core the lease tests need a physical
# device for: printed as a directory, extracted once from the cached
# linux-source package. Nothing printed (status 1) for other kernels.
nk2_nsim_src() {
	local kver=$1 deb f ver dir tmp series
	nk2_is_trixie_kernel "$kver" || return 1
	series=${kver%%.*}.$(echo "$kver" | cut -d. -f2)
	deb=
	for f in "$NK2_APT_TRIXIE/archives/linux-source-${series}_"*_all.deb; do
		[ -e "$f" ] && deb=$f
	done
	[ -n "$deb" ] || return 1
	ver=$(dpkg-deb -f "$deb" Version)
	dir=$NETKIT2_CACHE/src/netdevsim-$ver
	if [ ! -f "$dir/Makefile" ]; then
		tmp=$(mktemp -d "$NETKIT2_CACHE/src/.netdevsim.XXXXXX")
		dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./usr/src/linux-source-$series.tar.xz" |
			tar -xJ -C "$tmp" "linux-source-$series/drivers/net/netdevsim" || { rm -rf "$tmp"; return 1; }
		rm -rf "$dir"
		mv "$tmp/linux-source-$series/drivers/net/netdevsim" "$dir"
		rm -rf "$tmp"
	fi
	printf '%s\n' "$dir"
}

# Root filesystem a kernel's guest boots on, and where its image is.
nk2_guest_root() {
	if nk2_is_trixie_kernel "$1"; then printf '%s\n' "$NK2_TRIXIE_ROOT"; else printf '/\n'; fi
}
nk2_vmlinuz() {
	if nk2_is_trixie_kernel "$1"; then
		printf '%s\n' "$NK2_TRIXIE_ROOT/usr/lib/modules/$1/vmlinuz"
	else
		printf '/boot/vmlinuz-%s\n' "$1"
	fi
}

# Module indexes for the guest's depmod (see scripts/guest-depmod), computed
# natively: one set for the kernel as installed ("base") and one with each
# given module added to updates/.  Usage: nk2_stage_depmod KVER STAGE KO...
nk2_stage_depmod() {
	local kver=$1 stage=$2 root mdir tree s ko
	shift 2
	root=$(nk2_guest_root "$kver")
	mdir=$(readlink -f "$root/lib/modules/$kver")
	[ -d "$mdir" ] || { nk2_log "no $mdir"; return 1; }
	nk2_rmtree "$stage"
	mkdir -p "$stage/base"
	install -m 0755 "$(dirname "${BASH_SOURCE[0]}")/guest-depmod" "$stage/depmod"
	s=$stage/base
	cp "$mdir"/modules.* "$s/"
	echo "$kver" >"$s/KVER"
	nk2_manifest "$mdir" >"$s/MANIFEST"
	# The kernel's modules hard-linked (copied if that fails), the new
	# ones added; depmod writes its indexes as new files.
	tree=$stage/tree
	mkdir -p "$tree/lib/modules"
	cp -al "$mdir" "$tree/lib/modules/$kver" 2>/dev/null ||
		{ rm -rf "$tree/lib/modules/$kver"; cp -a "$mdir" "$tree/lib/modules/$kver"; }
	rm -f "$tree/lib/modules/$kver"/modules.*
	cp "$mdir"/modules.order "$mdir"/modules.builtin* "$tree/lib/modules/$kver/" 2>/dev/null || true
	mkdir -p "$tree/lib/modules/$kver/updates"
	for ko in "$@"; do
		rm -f "$tree/lib/modules/$kver/updates/${ko##*/}"
		cp "$ko" "$tree/lib/modules/$kver/updates/"
	done
	if nk2_is_trixie_kernel "$kver"; then
		nk2_chroot_run -b "$stage" -- depmod -b "$tree" "$kver"
	else
		depmod -b "$tree" "$kver"
	fi
	s=$stage/with-updates
	mkdir -p "$s"
	cp "$tree/lib/modules/$kver"/modules.* "$s/"
	echo "$kver" >"$s/KVER"
	nk2_manifest "$tree/lib/modules/$kver" >"$s/MANIFEST"
	rm -rf --one-file-system "$tree"
}

# Same format as guest-depmod's manifest().
nk2_manifest() {
	(cd "$1" && { find updates extra -type f -name '*.ko*' 2>/dev/null || true; } | LC_ALL=C sort |
		while IFS= read -r f; do printf '%s %s\n' "$f" "$(md5sum <"$f" | cut -d' ' -f1)"; done)
}

# Copy the files of tree $1 into $2, replacing (by rename) only those that
# differ: a guest that reads $2 over 9p meanwhile never sees a torn file.
nk2_sync_tree() {
	local src=$1 dst=$2 f
	mkdir -p "$dst"
	(cd "$src" && find . -type d) | while IFS= read -r f; do mkdir -p "$dst/$f"; done
	(cd "$src" && find . ! -type d) | while IFS= read -r f; do
		if [ -L "$src/$f" ] || ! cmp -s "$src/$f" "$dst/$f"; then
			cp -a "$src/$f" "$dst/$f.nk2tmp" && mv -f "$dst/$f.nk2tmp" "$dst/$f"
		fi
	done
}
