#!/usr/bin/env bash
# Install the Debian packages the harness needs, only those that are missing,
# and download the base kernel source package (base.mk).
# Usage: scripts/deps.sh [extra-package...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(git make gcc bc flex bison libelf-dev libssl-dev cpio xz-utils ccache perl rsync
      kmod qemu-system-x86 busybox-static shellcheck
      bochs bochsbios vgabios isolinux syslinux-common xorriso
      python3 python3-ply python3-git python3-yaml python3-sphinx python3-sphinx-rtd-theme
      git-email libmailtools-perl gnuplot-nox debian-archive-keyring
      uuid-dev "$@")

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}) and not root: install them"
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# private_apt DIR SUITE TYPES: the apt-get/apt-cache options of a private
# source list for SUITE of $BASE_MIRROR with its state in DIR (updated here);
# the suite is never added to the system's sources.  Sets apt_opts.
private_apt() {
	rm -rf "$1"
	mkdir -p "$1/sources" "$1/lists/partial" "$1/cache/archives/partial"
	cat > "$1/sources/private.sources" <<SOURCES
Types: $3
URIs: $BASE_MIRROR
Suites: $2
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	# The packages are pinned by exact version and their signatures are
	# checked; a mirror that serves a frozen snapshot (a registry proxy)
	# has Release files past their Valid-Until, which must not stop that.
	apt_opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$1/sources"
		  -o Dir::State::Lists="$1/lists" -o Dir::Cache="$1/cache"
		  -o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root -q)
	apt-get "${apt_opts[@]}" update
}

# pinned_or_newest PKG VERSION SUITE (source|binary): PKG=VERSION when the
# private source list still has it, else PKG with a loud warning.
pinned_or_newest() {
	local avail
	if [ "$4" = source ]; then
		avail=$(apt-cache "${apt_opts[@]}" showsrc "$1" | sed -n 's/^Version: //p')
	else
		avail=$(apt-cache "${apt_opts[@]}" madison "$1" | awk '{ print $3 }')
	fi
	if printf '%s\n' "$avail" | grep -qxF "$2"; then
		echo "$1=$2"
		return
	fi
	cat >&2 <<MSG
##########################################################################
WARNING: $1 $2 (pinned in base.mk) is no longer available in $3.
WARNING: falling back to the newest $1; results are NOT for the pinned version.
##########################################################################
MSG
	echo "$1"
}

# sparse: the source package $SPARSE_VERSION of $SPARSE_SUITE, built into
# $SPARSE_DIR (sparse needs no installation).  Done once.
if [ ! -x "$SPARSE" ] || [ "$(cat "$SPARSE_DIR/version" 2>/dev/null)" != "$SPARSE_VERSION" ]; then
	log "building sparse $SPARSE_VERSION from $SPARSE_SUITE (private apt source list in ${SPARSE_DIR#"$TOP"/})"
	private_apt "$SPARSE_DIR" "$SPARSE_SUITE" deb-src
	sparse_want=$(pinned_or_newest sparse "$SPARSE_VERSION" "$SPARSE_SUITE" source)
	mkdir -p "$SPARSE_DIR/src"
	(cd "$SPARSE_DIR/src" && apt-get "${apt_opts[@]}" source --download-only "$sparse_want")
	tars=("$SPARSE_DIR"/src/sparse_*.orig.tar.*)
	if [ ${#tars[@]} != 1 ] || [ ! -f "${tars[0]}" ]; then
		die "no single sparse source tarball in $SPARSE_DIR/src"
	fi
	tar -C "$SPARSE_DIR/src" -xf "${tars[0]}"
	srcdirs=("$SPARSE_DIR"/src/sparse-*/)
	if [ ${#srcdirs[@]} != 1 ] || [ ! -d "${srcdirs[0]}" ]; then
		die "no single sparse source directory in $SPARSE_DIR/src"
	fi
	make -C "${srcdirs[0]}" -s -j"$JOBS" sparse > /dev/null
	mkdir -p "$SPARSE_DIR/bin"
	cp "${srcdirs[0]}/sparse" "$SPARSE"
	echo "$SPARSE_VERSION" > "$SPARSE_DIR/version"
	rm -rf "$SPARSE_DIR/src" "$SPARSE_DIR/lists" "$SPARSE_DIR/cache"
fi

# The base source: $BASE_PKG from $BASE_SUITE, downloaded (not installed) by
# apt with a private source list and state in $BASE_DIR, so that the suite is
# never added to the system's sources.  Done once; tree.sh unpacks the .deb.
have=$(dpkg-deb -f "$BASE_DEB" Package Version 2>/dev/null | awk '{ print $2 }' | paste -sd' ') || have=
[ "$have" = "$BASE_PKG $BASE_VERSION" ] && exit 0

log "downloading $BASE_PKG $BASE_VERSION from $BASE_SUITE (private apt source list in ${BASE_DIR#"$TOP"/})"
private_apt "$BASE_DIR" "$BASE_SUITE" deb
base_want=$(pinned_or_newest "$BASE_PKG" "$BASE_VERSION" "$BASE_SUITE" binary)
(cd "$BASE_DIR" && apt-get "${apt_opts[@]}" download "$base_want")
debs=("$BASE_DIR"/"$BASE_PKG"_*.deb)
if [ ${#debs[@]} != 1 ] || [ ! -f "${debs[0]}" ]; then
	die "apt-get download of $base_want left no single .deb in $BASE_DIR"
fi
mv "${debs[0]}" "$BASE_DEB"
log "base: $(dpkg-deb -f "$BASE_DEB" Package Version | paste -sd' ')"
