#!/usr/bin/env bash
# Build the KVM selftests named in guest/plans/*.plan (static, so they run
# from a busybox initramfs) into build/linux/out/kselftest/kvm, against the uapi
# headers of the default flavour.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

hdr=$TREE/out/usr/include
[ -d "$hdr" ] || die "no uapi headers in $hdr: run scripts/build-kernel.sh"
kst=$KST
# The selftests' dependency files name their objects by relative paths, which
# don't match the targets of an out-of-tree build, so a changed library header
# (e.g. struct memstress_args) would leave stale test objects linked against
# the new library.  Build from scratch every time; ccache makes it cheap.
rm -rf "$kst"
mkdir -p "$kst"

mapfile -t progs < <("$TOP/scripts/plan-programs.sh")
[ ${#progs[@]} -gt 0 ] || die "no programs in guest/plans"

log "building ${#progs[@]} KVM selftests"
make -C "$TREE/tools/testing/selftests/kvm" -j"$JOBS" -s \
	CC="ccache gcc" OUTPUT="$kst" \
	KHDR_INCLUDES="-isystem $hdr" \
	EXTRA_CFLAGS=-static LDFLAGS=-static \
	"${progs[@]/#/$kst/}"
