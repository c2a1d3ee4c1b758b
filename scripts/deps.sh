#!/usr/bin/env bash
# Install the Debian packages the harness needs, only those that are missing,
# and download the base kernel source package (base.mk).
# Usage: scripts/deps.sh [extra-package...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(git make gcc bc flex bison libelf-dev libssl-dev cpio xz-utils ccache perl rsync
      kmod qemu-system-x86 busybox-static shellcheck
      bochs bochsbios vgabios isolinux syslinux-common xorriso
      python3 python3-ply python3-git python3-yaml sparse python3-sphinx python3-sphinx-rtd-theme
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

# The base source: $BASE_PKG from $BASE_SUITE, downloaded (not installed) by
# apt with a private source list and state in $BASE_DIR, so that the suite is
# never added to the system's sources.  Done once; tree.sh unpacks the .deb.
have=$(dpkg-deb -f "$BASE_DEB" Package Version 2>/dev/null | awk '{ print $2 }' | paste -sd' ') || have=
[ "$have" = "$BASE_PKG $BASE_VERSION" ] && exit 0

log "downloading $BASE_PKG $BASE_VERSION from $BASE_SUITE (private apt source list in ${BASE_DIR#"$TOP"/})"
rm -rf "$BASE_DIR"
mkdir -p "$BASE_DIR/sources" "$BASE_DIR/lists/partial" "$BASE_DIR/cache/archives/partial"
cat > "$BASE_DIR/sources/base.sources" <<SOURCES
Types: deb
URIs: $BASE_MIRROR
Suites: $BASE_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
apt_base=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$BASE_DIR/sources"
	  -o Dir::State::Lists="$BASE_DIR/lists" -o Dir::Cache="$BASE_DIR/cache"
	  -o APT::Sandbox::User=root -q)
apt-get "${apt_base[@]}" update
base_want=$BASE_PKG=$BASE_VERSION
if ! apt-cache "${apt_base[@]}" madison "$BASE_PKG" | awk '{ print $3 }' | grep -qxF "$BASE_VERSION"; then
	cat >&2 <<MSG
##########################################################################
WARNING: $BASE_PKG $BASE_VERSION (pinned in base.mk) is no longer available.
WARNING: falling back to the newest $BASE_PKG; results are NOT for the pinned base.
##########################################################################
MSG
	base_want=$BASE_PKG
fi
(cd "$BASE_DIR" && apt-get "${apt_base[@]}" download "$base_want")
debs=("$BASE_DIR"/"$BASE_PKG"_*.deb)
if [ ${#debs[@]} != 1 ] || [ ! -f "${debs[0]}" ]; then
	die "apt-get download of $base_want left no single .deb in $BASE_DIR"
fi
mv "${debs[0]}" "$BASE_DEB"
log "base: $(dpkg-deb -f "$BASE_DEB" Package Version | paste -sd' ')"
