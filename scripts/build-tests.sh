#!/usr/bin/env bash
# Build the KVM selftests named in guest/plans/*.plan (static, so they run
# from a busybox initramfs) into build/linux/out/kselftest/kvm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$OBJ/usr/include" ] || die "no uapi headers in $OBJ/usr/include: run scripts/build-kernel.sh"
kst=$OBJ/kselftest/kvm
mkdir -p "$kst"

mapfile -t progs < <("$TOP/scripts/plan-programs.sh")
[ ${#progs[@]} -gt 0 ] || die "no programs in guest/plans"

log "building ${#progs[@]} KVM selftests"
make -C "$TREE/tools/testing/selftests/kvm" -j"$JOBS" -s \
	CC="ccache gcc" OUTPUT="$kst" \
	KHDR_INCLUDES="-isystem $OBJ/usr/include" \
	EXTRA_CFLAGS=-static LDFLAGS=-static \
	"${progs[@]/#/$kst/}"
