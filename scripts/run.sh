#!/usr/bin/env bash
# make run: boot the test kernel and run the direct_ept_*_test programs
# (guest/plans/run.plan; EMULATOR=bochs: the direct_ept_ept_* lines of
# guest/plans/intel.plan).
# With GLOBAL_TDP unset, boot twice, with kvm.global_tdp=1 and =0, and print
# the first-touch workload of both side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Under Bochs (EMULATOR=bochs), the Intel plan's EPT subsets.
if [ "${EMULATOR:-qemu}" = bochs ]; then
	export PLAN=${PLAN:-intel} TESTS=${TESTS:-$DEPT_EPT}
else
	export PLAN=${PLAN:-run}
fi
if [ -n "${GLOBAL_TDP:-}" ]; then
	exec "$TOP/scripts/run-guest.sh"
fi

# A plan or test name that doesn't exist stops here, before two boots (and
# before a table from the logs of an earlier run).
lines=$(plan_lines "$PLAN")
if [ -n "${TESTS:-}" ]; then
	plan_check_names "$lines" TESTS "$TESTS"
fi

rc=0
for g in 1 0; do
	GLOBAL_TDP=$g NAME="run-gtdp$g" "$TOP/scripts/run-guest.sh" || rc=1
done

# The workload's lines, as direct_ept_populate_test prints them (see
# first_touch_faults()).
field() {
	sed -n "s/^# # $2/\\1/p" "$BUILD/logs/run-gtdp$1.ktap" | head -n 1
}
row() {
	printf '| %-34s | %-28s | %-28s |\n' "$1" "$2" "$3"
}
echo
echo "direct_ept_populate_test first-touch workload (memstress, 100% writes), one boot per column:"
row "" "kvm.global_tdp=1" "kvm.global_tdp=0"
row "----------------------------------" "----------------------------" "----------------------------"
row "workload" \
	"$(field 1 "\\([0-9]* vCPUs wrote [0-9]* MiB\\) each.*")" \
	"$(field 0 "\\([0-9]* vCPUs wrote [0-9]* MiB\\) each.*")"
row "mapped before vCPUs ran" \
	"$(field 1 "before vCPUs run: mapped \\([^;]*\\);.*")" \
	"$(field 0 "before vCPUs run: mapped \\([^;]*\\);.*")"
row "population time (us)" \
	"$(field 1 "before vCPUs run: .*population took \\([0-9]*\\) us")" \
	"$(field 0 "before vCPUs run: .*population took \\([0-9]*\\) us")"
row "first-touch time (s)" \
	"$(field 1 ".* MiB each in \\([0-9.]*\\) s:.*")" \
	"$(field 0 ".* MiB each in \\([0-9.]*\\) s:.*")"
row "page faults taken (pf_taken)" \
	"$(field 1 ".* s: pf_taken \\([0-9]*\\),.*")" \
	"$(field 0 ".* s: pf_taken \\([0-9]*\\),.*")"
exit $rc
