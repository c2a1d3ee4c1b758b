#!/usr/bin/env bash
# make check: everything that proves the series, top to bottom.
#   0. shellcheck of the harness scripts
#   1. the series applies to the pinned base and round-trips through export
#   2. checkpatch --strict on every patch
#   3. build the kernel, the selftests and the initramfs
#   4. the guest plan with kvm.global_tdp=0 and with =1, and a subset of it
#      with TDP off (kvm_amd.npt=0); on Intel EPT (kvm_intel under Bochs),
#      the EPT subsets of the direct_ept_*_test programs with
#      kvm.global_tdp=1 and =0
#   5. every patch builds on its own, with no new W=1 or sparse finding in
#      the files it touches
#   6. the documentation builds without warnings in the series' documents
#   7. the debug kernel (KASAN, lockdep, ...): the guest plan with
#      kvm.global_tdp=1; any report in its kernel log fails the run
#   8. make mail: git send-email --dry-run of the series
# Each step writes results to build/results/, and every step that should
# have run must have left one (a step that died is a failure, never silence);
# the summary ends with the reruns line and "N passed, N failed, N skipped"
# over all of them.  The guest runs must not SKIP the direct_ept_*_test
# programs or direct_ept_perf_test (REQUIRE).
# --quick: steps 0, 3 and 4 only, on the scratch tree as it is.
set -euo pipefail
# The settings a user may have exported for make run & co. are not for the
# steps here: each step sets its own.
unset TESTS CMDLINE MEM VCPUS HUGEPAGES HUGEPAGES_1G PLAN GLOBAL_TDP FLAVOUR \
	TIMEOUT_SCALE NAME REQUIRE RERUN SHELL_MODE TCG_THREAD REPEAT EMULATOR
. "$(dirname "$0")/lib.sh"

quick=0
[ "${1:-}" = --quick ] && quick=1
S=$TOP/scripts
R=$BUILD/results
rm -rf "$R"
mkdir -p "$R" "$BUILD/logs"
start=$(date +%s)
step() { log "[$(( $(date +%s) - start ))s] $*"; }

# record NAME CMD...: run a step, record ok/not ok NAME.
record() {
	local name=$1 rc=0; shift
	"$@" || rc=$?
	if [ $rc = 0 ]; then
		echo "ok $name" >> "$R/steps.tap"
	else
		echo "not ok $name # exit $rc" >> "$R/steps.tap"
		return 1
	fi
}

# tapstep FILE CMD...: run a step that writes its results to $R/FILE; when it
# fails without a "not ok" there (it died before or while writing them),
# record "not ok" under FILE's name without .tap.
tapstep() {
	local file=$R/$1 rc=0; shift
	"$@" || rc=$?
	if [ $rc != 0 ] && ! grep -q '^not ok ' "$file" 2>/dev/null; then
		echo "not ok $(basename "$file" .tap) # exit $rc without a failure in $(basename "$file")" >> "$R/steps.tap"
	fi
	return $rc
}

# The steps that must report, whatever happens to the steps before them.
expect=(shellcheck)
if [ $quick = 0 ]; then
	if [ -e "$TREE/.git" ]; then
		expect+=(series_matches_tree)
	else
		expect+=(series_applies export_roundtrip)
	fi
	expect+=(checkpatch.tap)
fi
expect+=(build_kernel build_selftests build_initramfs check-gtdp0.tap check-gtdp0-st.tap
	 check-gtdp1.tap check-gtdp1-st.tap bench_report_smoke check-npt0.tap
	 check-intel-gtdp1.tap check-intel-gtdp0.tap)
if [ $quick = 0 ]; then
	expect+=(bisect.tap docs.tap build_kernel_debug build_initramfs_debug check-debug.tap
		 check-debug-st.tap mail_dry_run)
fi

# The tests that keep 4 vCPUs exiting at a high rate run in a boot of their
# own under single-threaded TCG, as multi-threaded TCG corrupts nested SVM
# guests under that load now and then (README, "Known problems"); the
# others run under multi-threaded TCG, which is twice as fast.
st_tests=$DEPT_TESTS,dirty_log_perf_test
# Prints the tests of check.plan that are neither in $st_tests nor in $1.
mt_tests() {
	plan_lines check | awk -v skip=",$st_tests,${1:-}," 'index(skip, "," $1 ",") == 0 { print $1 }' |
		paste -sd, -
}
# Computed here, not in a command's variable prefix, where a failure would go
# unnoticed and an empty TESTS would run the whole plan multi-threaded.
mt=$(mt_tests)
mt_debug=$(mt_tests dirty_log_test)
if [ -z "$mt" ] || [ -z "$mt_debug" ]; then
	die "no multi-threaded tests found in check.plan"
fi

# boots NAME MT_TESTS VAR=VALUE...: run check.plan's MT_TESTS under
# multi-threaded TCG as NAME and $st_tests under single-threaded TCG as
# NAME-st, each recorded in its .tap, with the VAR=VALUE settings for both.
boots() {
	local name=$1 tests=$2; shift 2
	tapstep "$name.tap" env "$@" PLAN=check NAME="$name" TESTS="$tests" \
		REQUIRE=direct_ept_perf_test TCG_THREAD=multi "$S/run-guest.sh" || true   # recorded
	tapstep "$name-st.tap" env "$@" PLAN=check NAME="$name-st" TESTS="$st_tests" \
		REQUIRE="$DEPT_TESTS" TCG_THREAD=single "$S/run-guest.sh" || true   # recorded
}

step "dependencies"
"$S/deps.sh"

step "0. shellcheck of the harness"
record shellcheck shellcheck "$TOP"/scripts/*.sh "$TOP/guest/init" "$TOP/.ci/run" || true   # recorded

if [ $quick = 0 ]; then
	step "1. scratch tree from the pinned base + patches/"
	if [ -e "$TREE/.git" ]; then
		record series_matches_tree "$S/series-check.sh" ||
			die "build/linux differs from patches/: make export (or make quick-check to test the tree as it is)"
	else
		record series_applies "$S/tree.sh" || die "the series does not apply"
		record export_roundtrip "$S/series-check.sh" || true   # recorded; later steps still run
	fi

	step "2. checkpatch --strict"
	tapstep checkpatch.tap "$S/checkpatch.sh" || true   # recorded per patch in checkpatch.tap
fi

step "3. build"
built=1
record build_kernel "$S/build-kernel.sh" || built=0
[ $built = 1 ] && { record build_selftests "$S/build-tests.sh" || built=0; }
[ $built = 1 ] && { record build_initramfs "$S/initramfs.sh" || built=0; }

if [ $built = 1 ]; then
	if [ $quick = 0 ]; then
		# The builds of steps 5 to 7 run beside the guest boots of step 4,
		# niced: the emulators leave a CPU idle while they run
		# single-threaded (the -st boots, Bochs).  The debug kernel has the
		# higher priority: step 7's boots wait for it.  Their output is
		# printed when they are waited for.
		step "5. and 6.: per-patch builds (W=1, sparse) and documentation, in the background"
		(
			renice -n 19 -p "$BASHPID" > /dev/null
			tapstep bisect.tap "$S/bisect-build.sh" || true   # recorded in bisect.tap
			step "5. done"
			tapstep docs.tap "$S/docs.sh" || true   # recorded in docs.tap
			step "6. done"
		) > "$BUILD/logs/check-bisect-docs.log" 2>&1 &
		bisect_pid=$!
		step "7. debug kernel: build, in the background"
		(
			renice -n 10 -p "$BASHPID" > /dev/null
			FLAVOUR=debug record build_kernel_debug "$S/build-kernel.sh" &&
				FLAVOUR=debug record build_initramfs_debug "$S/initramfs.sh"
			rc=$?
			step "7. debug kernel built"
			exit $rc
		) > "$BUILD/logs/check-debug-build.log" 2>&1 &
		debug_pid=$!
	fi
	for g in 0 1; do
		step "4. guest plan with kvm.global_tdp=$g"
		boots "check-gtdp$g" "$mt" GLOBAL_TDP=$g
	done
	# The smoke run of direct_ept_perf_test (-S) is in the plan; make bench's
	# report must work on its samples.
	step "4. make bench's report on the benchmark smoke run"
	record bench_report_smoke "$S/bench-report.py" "$BUILD/logs/check-gtdp1.ktap" \
		"$BUILD/bench-smoke" "benchmark smoke run of make check" || true   # recorded
	# Common MMU code must also work with TDP off (shadow paging), where
	# kvm.global_tdp=1 has to resolve to N.
	step "4. guest plan with kvm.global_tdp=1 kvm_amd.npt=0 (subset)"
	# Without NPT, QEMU walks no nested page table: multi-threaded TCG.
	PLAN=check GLOBAL_TDP=1 CMDLINE=kvm_amd.npt=0 NAME=check-npt0 REQUIRE="$DEPT_TESTS" \
		TESTS="$DEPT_TESTS",set_memory_region_test,demand_paging_test,memslot_modification_stress_test \
		TCG_THREAD=multi tapstep check-npt0.tap "$S/run-guest.sh" || true   # recorded in check-npt0.tap
	# Intel EPT: kvm_intel on Bochs' emulation of VMX with EPT, the EPT
	# subsets of the direct_ept_*_test programs (the whole Intel plan: make
	# check-intel).
	for g in 1 0; do
		step "4. Intel EPT under Bochs: intel.plan's direct_ept_ept_* with kvm.global_tdp=$g"
		EMULATOR=bochs PLAN=intel GLOBAL_TDP=$g NAME="check-intel-gtdp$g" TESTS="$DEPT_EPT" \
			REQUIRE="$DEPT_EPT" tapstep "check-intel-gtdp$g.tap" "$S/run-guest.sh" || true   # recorded
	done
	if [ $quick = 0 ]; then
		debug=1
		wait "$debug_pid" || debug=0
		cat "$BUILD/logs/check-debug-build.log"
		if [ $debug = 1 ]; then
			step "7. debug kernel: guest plan with kvm.global_tdp=1"
			# check.plan but dirty_log_test (~3 min there;
			# direct_ept_dirty_log_test runs the same logging modes on
			# pre-built memory), with timeouts ×2 instead of the debug
			# flavour's ×4 (×4 in the single-threaded boot).
			boots check-debug "$mt_debug" GLOBAL_TDP=1 FLAVOUR=debug TIMEOUT_SCALE=2
		fi
		step "5. and 6.: waiting for the per-patch builds and the documentation"
		wait "$bisect_pid" || true   # recorded in bisect.tap and docs.tap
		cat "$BUILD/logs/check-bisect-docs.log"
	fi
fi

if [ $quick = 0 ]; then
	step "8. make mail (dry run)"
	record mail_dry_run "$S/mail.sh" || true   # recorded
fi

step "done in $(( $(date +%s) - start ))s"
shopt -s nullglob
"$S/summary.sh" --expect "$(IFS=,; echo "${expect[*]}")" "$R"/*.tap
