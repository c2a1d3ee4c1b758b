#!/usr/bin/env bash
# Pack build/initramfs[-FLAVOUR].cpio.gz: busybox, guest/init, the plans, the
# KVM modules of the flavour and the selftest programs the plans name.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

busybox=/bin/busybox   # busybox-static
[ -x "$busybox" ] || die "$busybox missing: run scripts/deps.sh"
root=$BUILD/initramfs${FLAVOUR:+-$FLAVOUR}
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,plans,tests}
cp "$busybox" "$root/bin/busybox"
cp "$TOP/guest/init" "$root/init"
cp "$TOP"/guest/plans/*.plan "$root/plans/"
# The modules with their modules.dep (kvm.ko needs irqbypass.ko), for modprobe.
kmake -s modules_install INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 > /dev/null
rm -f "$root"/lib/modules/*/build
kst=$KST
while read -r prog; do
	[ -x "$kst/$prog" ] || die "selftest $prog was not built"
	mkdir -p "$root/tests/$(dirname "$prog")"
	cp "$kst/$prog" "$root/tests/$prog"
done < <("$TOP/scripts/plan-programs.sh")
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 > "$INITRAMFS.new"
mv "$INITRAMFS.new" "$INITRAMFS"
log "initramfs${FLAVOUR:+ ($FLAVOUR)}: $(du -h "$INITRAMFS" | cut -f1)"
