#!/usr/bin/env bash
# make check-intel: the Intel plan (guest/plans/intel.plan) under Bochs'
# VMX + EPT emulation, kvm_intel loaded, once with kvm.global_tdp=1 and once
# with =0, and its direct_ept_ept_* lines with kvm_intel.eptad=0; then the
# summary of the three boots.  Takes long (see README): run it
# before a stop that touches kernel code; make check runs only its
# direct_ept_ept_* lines.
set -euo pipefail
unset TESTS PLAN GLOBAL_TDP NAME REQUIRE REPEAT TCG_THREAD CMDLINE
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
rc=0
files=()
for g in 1 0; do
	EMULATOR=bochs PLAN=intel GLOBAL_TDP=$g NAME="intel-gtdp$g" REQUIRE="$DEPT_EPT,$DEPT_TESTS" \
		"$TOP/scripts/run-guest.sh" || rc=1
	files+=("$BUILD/results/intel-gtdp$g.tap")
done
# EPT without accessed/dirty bits: KVM then tracks accesses itself, and
# pre-built SPTEs must still not fault on first touch.
EMULATOR=bochs PLAN=intel GLOBAL_TDP=1 NAME=intel-eptad0 CMDLINE=kvm_intel.eptad=0 \
	TESTS="$DEPT_EPT" REQUIRE="$DEPT_EPT" "$TOP/scripts/run-guest.sh" || rc=1
files+=("$BUILD/results/intel-eptad0.tap")
log "the Intel plan, both boots, took $(( $(date +%s) - start ))s"
echo "=== make check-intel ==="
"$TOP/scripts/summary.sh" "${files[@]}" || rc=1
exit $rc
