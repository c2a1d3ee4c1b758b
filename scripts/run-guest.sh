#!/usr/bin/env bash
# Boot the test kernel under QEMU TCG (-cpu max: AMD SVM + NPT), run a plan in
# the guest and judge its KTAP.  Settings (environment or make variables):
#   PLAN=check|run   plan file guest/plans/$PLAN.plan   (default check)
#   GLOBAL_TDP=0|1   kvm.global_tdp                     (default 1)
#   VCPUS=N MEM=SIZE L1 guest CPUs and memory           (default 4, 6G)
#   HUGEPAGES=N      2M hugetlb pages reserved at boot  (default 256)
#   HUGEPAGES_1G=N   1G hugetlb pages reserved at boot  (default 1)
#   TESTS=a,b        run only these tests of the plan
#   FLAVOUR=debug    boot the debug kernel (KASAN, lockdep, ...)
#   TIMEOUT_SCALE=N  multiply the plan's timeouts by N  (default 1; 4 for debug)
#   CMDLINE="..."    extra kernel parameters (kvm.X=V reach insmod of kvm.ko)
#   NAME=...         name of the run in build/logs and build/results
#   SHELL_MODE=1     interactive shell on the console instead of a plan
# Prints the KTAP as it arrives, then "N passed, N failed, N skipped"; exits
# non-zero on any failure, on a guest that did not finish its plan, and on a
# kernel splat (WARNING, BUG, KASAN, lockdep, ...) in the guest's log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

plan=${PLAN:-check}
gtdp=${GLOBAL_TDP:-1}
vcpus=${VCPUS:-4}
# 6G: a boot-time 1G hugetlb page needs a free, 1G-aligned GiB of RAM.  Below
# 4G there is none (initramfs just below 2G, PCI hole from 3G); above 4G the
# early top-down allocations use the last GiB, so RAM must reach 7G (-m 6G).
mem=${MEM:-6G}
name=${NAME:-$plan-gtdp$gtdp${FLAVOUR:+-$FLAVOUR}}
tscale=${TIMEOUT_SCALE:-$([ -n "$FLAVOUR" ] && echo 4 || echo 1)}
kernel=$OBJ/arch/x86/boot/bzImage
initrd=$INITRAMFS
[ -f "$kernel" ] || die "no kernel: run make build"
[ -f "$initrd" ] || die "no initramfs: run make build"
case "$gtdp" in 0|1) ;; *) die "GLOBAL_TDP must be 0 or 1" ;; esac
case "$tscale" in [1-9] | [1-9][0-9]) ;; *) die "TIMEOUT_SCALE must be 1..99" ;; esac

append="console=ttyS0 panic=-1 oops=panic kvm.global_tdp=$gtdp dept.plan=$plan dept.hugepages=${HUGEPAGES:-256}"
append="$append hugepagesz=1G hugepages=${HUGEPAGES_1G:-1}"
[ "$tscale" != 1 ] && append="$append dept.tscale=$tscale"
[ -n "${TESTS:-}" ] && append="$append dept.only=$TESTS"
[ -n "${CMDLINE:-}" ] && append="$append $CMDLINE"
qemu=(qemu-system-x86_64 -accel "tcg,thread=multi" -cpu max -smp "$vcpus" -m "$mem"
      -no-reboot -nic none -kernel "$kernel" -initrd "$initrd")

if [ "${SHELL_MODE:-0}" = 1 ]; then
	exec "${qemu[@]}" -nographic -append "$append dept.shell=1"
fi

logs=$BUILD/logs
results=$BUILD/results
mkdir -p "$logs" "$results"
console=$logs/$name.console
ktap=$logs/$name.ktap
: > "$console"
: > "$ktap"

# Guest time limits: every selected test may run twice, plus boot; and the
# guest is taken as hung when its KTAP is silent for longer than the longest
# test timeout (the guest kills a test at its timeout and reports it).
read -r limit stall < <(sed -e 's/#.*//' "$TOP/guest/plans/$plan.plan" | awk -v only="${TESTS:-}" -v s="$tscale" '
	NF >= 3 && (only == "" || index("," only ",", "," $1 ",")) {
		t += 2 * $2 * s
		if ($2 * s > m) m = $2 * s
	}
	END { print t + 120, m + 90 }')

log "booting $name: -smp $vcpus -m $mem, $append (limit ${limit}s)"
"${qemu[@]}" -display none -monitor none \
	-serial "file:$console" -serial "file:$ktap" -append "$append" &
qpid=$!
tail -n +1 -f --pid=$qpid "$ktap" | sed -u 's/\r$//' &
tpid=$!
qrc=0
timed_out=''
waited=0
last_size=0
quiet=0
while kill -0 $qpid 2>/dev/null; do
	size=$(stat -c %s "$ktap")
	if [ "$size" != "$last_size" ]; then
		last_size=$size
		quiet=0
	fi
	if [ $waited -ge "$limit" ]; then
		timed_out="no end after ${limit}s"
	elif [ $quiet -ge "$stall" ]; then
		timed_out="no output for ${stall}s"
	fi
	if [ -n "$timed_out" ]; then
		kill $qpid
		break
	fi
	sleep 1
	waited=$((waited + 1))
	quiet=$((quiet + 1))
done
wait $qpid || qrc=$?
wait $tpid || true   # tail ends with QEMU; its status says nothing

tr -d '\r' < "$ktap" > "$ktap.clean"
res=$results/$name.tap
awk -v run="$name" -v timed_out="$timed_out" -v qrc=$qrc '
	/^1\.\.[0-9]+/ { planned = substr($1, 4) + 0 }
	/^# dept: end of plan/ { done = 1 }
	/^ok / || /^not ok / {
		line = $0; ok = (line ~ /^ok /)
		sub(/^(not )?ok [0-9]+ /, "", line)
		tname = line; sub(/ #.*/, "", tname)
		skip = ok && line ~ /# SKIP/
		seen++
		printf "%s %s:%s%s\n", ok ? "ok" : "not ok", run, tname, skip ? " # SKIP" : ""
	}
	END {
		if (!done || seen < planned) {
			printf "not ok %s:guest # the guest did not finish its plan (%d of %d results, %s, qemu exit %d)\n",
				run, seen, planned, timed_out ? "timed out" : "no timeout", qrc
		}
	}' "$ktap.clean" > "$res"

# Kernel splats fail the run even when every test passed.
splat='(WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|kernel BUG|possible (recursive|circular) locking|DEBUG_LOCKS_WARN_ON|INFO: lockdep is turned off|INFO: task .* blocked|Kernel panic|Call Trace:)'
if grep -Eq "$splat" "$console"; then
	echo "not ok $name:kernel_log # kernel splat in $console" >> "$res"
	echo "--- kernel log of $name (splat) ---"
	grep -E -B5 -A30 "$splat" "$console" | head -n 120
else
	echo "ok $name:kernel_log" >> "$res"
fi

"$TOP/scripts/summary.sh" "$res"
