#!/usr/bin/env bash
# Configure (tinyconfig + configs/*.config) and build bzImage, the KVM modules
# and the uapi headers in build/linux/out.  Incremental: .config is only
# regenerated when the fragment or the tree's Kconfig files changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -e "$TREE/.git" ] || die "no scratch tree: run make tree"
frag=$TOP/configs/kvm.config
mkdir -p "$OBJ"

stamp=$OBJ/.config.frag
if [ ! -f "$OBJ/.config" ] || ! cmp -s "$frag" "$stamp"; then
	log "configuring: tinyconfig + ${frag#"$TOP"/}"
	kmake -s tinyconfig
	(cd "$TREE" && KCONFIG_CONFIG=out/.config scripts/kconfig/merge_config.sh -m -O out out/.config "$frag") >/dev/null
	kmake -s olddefconfig
	# Every option of the fragment must have survived olddefconfig.
	bad=0
	while IFS= read -r opt; do
		case "$opt" in CONFIG_*=*) ;; *) continue ;; esac
		want=${opt#*=}
		name=${opt%%=*}
		have=$(sed -n "s/^$name=//p" "$OBJ/.config")
		if [ "$have" != "$want" ]; then
			echo "config: $name wanted $want, got ${have:-unset}" >&2
			bad=1
		fi
	done < "$frag"
	[ $bad = 0 ] || die "the config fragment did not apply"
	cp "$frag" "$stamp"
fi

log "building bzImage and modules"
kmake -s bzImage modules
log "installing uapi headers"
kmake -s headers_install
