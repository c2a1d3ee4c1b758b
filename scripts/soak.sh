#!/usr/bin/env bash
# make soak: loop guest/plans/soak.plan N times (SOAK_N, default 40) in one
# boot with kvm.global_tdp=1 and one with =0, without reruns, and print
# "failed K of N" per test and mode with the signature of each failure.
# QEMU=/path/to/qemu-system-x86_64 soaks under another QEMU build,
# TCG_THREAD=multi under multi-threaded TCG (the default is single, as for
# every guest run but make bench).
# Exits non-zero if anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

n=${SOAK_N:-40}
case "$n" in [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;; *) die "SOAK_N must be 1..999" ;; esac
log "$("$QEMU" --version | head -n 1), TCG thread=${TCG_THREAD:-single}"
rc=0
for g in 1 0; do
	if ! RERUN=0 REPEAT=$n PLAN=soak GLOBAL_TDP=$g NAME=soak-gtdp$g \
		"$TOP/scripts/run-guest.sh" > "$BUILD/logs/soak-gtdp$g.out"; then
		rc=1
	fi
done

echo
echo "make soak: $n runs of each test per mode, $("$QEMU" --version | head -n 1), TCG thread=${TCG_THREAD:-single}"
for g in 1 0; do
	ktap=$BUILD/logs/soak-gtdp$g.ktap.clean
	[ -f "$ktap" ] || { echo "kvm.global_tdp=$g: no KTAP"; rc=1; continue; }
	# Per test: runs and failures; per failure, its first telling line.
	awk -v g="$g" '
		/^# dept: start / { cur = $4; sub(/:$/, "", cur); sig = ""; strong = 0; skipped = 0 }
		# A subtest of the run skipped (e.g. a kvm.global_tdp=1-only one with =0).
		/^# ok [0-9]+ # SKIP / { skipped = 1 }
		# The telling line: the exit reason or stall if printed, else the
		# assertion, else (below) the verdict of the not ok line itself.
		!/^# dept: / && /exit_reason=|exit SHUTDOWN|exit FAIL_ENTRY|stuck for|Killed/ {
			if (!strong) { sig = $0; sub(/^[# ]+/, "", sig); strong = 1 }
		}
		/Test Assertion Failure/ {
			if (sig == "") { sig = $0; sub(/^[# ]+/, "", sig) }
		}
		/^(not )?ok [0-9]+ / {
			t = $0; sub(/^(not )?ok [0-9]+ /, "", t); sub(/ .*/, "", t)
			base = t; sub(/\.[0-9]+$/, "", base)
			if (!(base in seen)) { seen[base] = 1; order[++nb] = base }
			if ($0 ~ /^not ok/) {
				runs[base]++
				fails[base]++
				if (sig == "") { sig = $0; sub(/^[^#]*# */, "", sig) }
				why[base] = why[base] "\n    " t ": " sig
			} else if (skipped || $0 ~ /# SKIP/) {
				skips[base]++
			} else {
				runs[base]++
			}
		}
		END {
			for (i = 1; i <= nb; i++) {
				b = order[i]
				printf "kvm.global_tdp=%s %-24s failed %d of %d (%d skipped)%s\n", g, b,
					fails[b], runs[b], skips[b], why[b]
			}
		}' "$ktap"
	# kvm_amd.dump_invalid_vmcb=1: a VMRUN that failed its checks.
	awk -v g="$g" '/last attempted VMRUN/ { n++ }
		END { printf "kvm.global_tdp=%s: %d invalid-VMCB dumps in the kernel log\n", g, n }' \
		"$BUILD/logs/soak-gtdp$g.console"
done
exit $rc
