#!/usr/bin/env bash
# Install the Debian packages the harness needs, only those that are missing.
# Usage: scripts/deps.sh [extra-package...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(git make gcc bc flex bison libelf-dev libssl-dev cpio xz-utils ccache perl rsync
      kmod qemu-system-x86 busybox-static shellcheck
      bochs bochsbios vgabios isolinux syslinux-common xorriso
      python3 python3-ply python3-git python3-yaml sparse python3-sphinx python3-sphinx-rtd-theme
      git-email libmailtools-perl gnuplot-nox "$@")

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

# The base source is pinned; any other installed version is handled by tree.sh.
if ! dpkg-query -W -f='${Status}' "$BASE_PKG" 2>/dev/null | grep -q 'install ok installed'; then
	missing+=("$BASE_PKG")
fi

[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}) and not root: install them"
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
want=()
for p in "${missing[@]}"; do
	if [ "$p" = "$BASE_PKG" ]; then
		if apt-cache madison "$BASE_PKG" | awk '{print $3}' | grep -qxF "$BASE_VERSION"; then
			want+=("$BASE_PKG=$BASE_VERSION")
		else
			cat >&2 <<MSG
##########################################################################
WARNING: $BASE_PKG $BASE_VERSION (pinned in base.mk) is no longer available.
WARNING: falling back to the newest $BASE_PKG; results are NOT for the pinned base.
##########################################################################
MSG
			want+=("$BASE_PKG")
		fi
	else
		want+=("$p")
	fi
done
apt-get install -y -q --no-install-recommends "${want[@]}"
