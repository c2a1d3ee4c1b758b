#!/usr/bin/env bash
# make bench: boot the test kernel once and run direct_ept_perf_test
# (guest/plans/bench.plan), which switches each VM to its mode with KVM_CAP_X86_GLOBAL_TDP;
# then write the table, the plot and the ratios R1-R4 under build/bench/.
# PLAN=... runs another plan (e.g. check, for the smoke of make check) and
# reports on the samples found in it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

plan=${PLAN:-bench}
name=${NAME:-$plan-perf}
out=$BUILD/bench
mkdir -p "$out"

rc=0
# Never rerun: a rerun would add a second set of samples (bench-report.py
# rejects duplicates).  Multi-threaded TCG: the benchmark measures parallel
# population and vCPUs, which one host thread for all vCPUs would serialize.
# kvm.global_tdp=0: the program turns pre-building on per VM with
# KVM_CAP_X86_GLOBAL_TDP, so memslot 0 is pinned only in the pre-built modes.
PLAN=$plan GLOBAL_TDP=0 NAME=$name RERUN=0 TCG_THREAD=multi "$TOP/scripts/run-guest.sh" || rc=$?

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
header="$(date -u +%Y-%m-%d) on $(hostname): $(nproc) x ${cpu:-unknown CPU}, $(qemu-system-x86_64 --version | head -n 1), TCG (thread=multi) -cpu max (AMD SVM+NPT), L1 guest -smp ${VCPUS:-4}"
"$TOP/scripts/bench-report.py" "$BUILD/logs/$name.ktap" "$out" "$header"
exit $rc
