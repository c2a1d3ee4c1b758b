#!/usr/bin/env bash
# Configure (tinyconfig + configs/kvm.config, + configs/debug.config for
# FLAVOUR=debug) and build bzImage, the KVM modules and the uapi headers in
# build/linux/out[-FLAVOUR].  Incremental: .config is only regenerated when
# the fragments changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -e "$TREE/.git" ] || die "no scratch tree: run make tree"
frags=("$TOP/configs/kvm.config")
[ -n "$FLAVOUR" ] && frags+=("$TOP/configs/$FLAVOUR.config")
mkdir -p "$OBJ"

stamp=$OBJ/.config.frag
if [ ! -f "$OBJ/.config" ] || ! cat "${frags[@]}" | cmp -s - "$stamp"; then
	log "configuring: tinyconfig + ${frags[*]#"$TOP"/}"
	kmake -s tinyconfig
	(cd "$TREE" && KCONFIG_CONFIG="$OUTDIR/.config" scripts/kconfig/merge_config.sh -m -O "$OUTDIR" "$OUTDIR/.config" "${frags[@]}") >/dev/null
	kmake -s olddefconfig
	# Every option of the fragments (the last word on each wins, "is not
	# set" included) must have survived olddefconfig.
	declare -A want=()
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) want[${line%%=*}]=${line#*=} ;;
		"# CONFIG_"*" is not set") line=${line#\# }; want[${line%% *}]='' ;;
		esac
	done < <(cat "${frags[@]}")
	bad=0
	for name in "${!want[@]}"; do
		have=$(sed -n "s/^$name=//p" "$OBJ/.config")
		if [ "$have" != "${want[$name]}" ]; then
			echo "config: $name wanted ${want[$name]:-unset}, got ${have:-unset}" >&2
			bad=1
		fi
	done
	[ $bad = 0 ] || die "the config fragments did not apply"
	cat "${frags[@]}" > "$stamp"
fi

log "building bzImage and modules${FLAVOUR:+ ($FLAVOUR)}"
kmake -s bzImage modules
log "installing uapi headers"
kmake -s headers_install
