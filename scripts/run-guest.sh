#!/usr/bin/env bash
# Boot the test kernel under QEMU TCG (-cpu max: AMD SVM + NPT) or Bochs (an
# Intel CPU with VMX + EPT), run a plan in the guest and judge its KTAP.
# Settings (environment or make variables):
#   EMULATOR=qemu|bochs  the emulator (default qemu); bochs boots an ISO
#                    built here (Bochs has no -kernel) and loads kvm_intel
#   PLAN=check|run   plan file guest/plans/$PLAN.plan   (default check; intel
#                    for bochs)
#   GLOBAL_TDP=0|1   kvm.global_tdp                     (default 1)
#   VCPUS=N MEM=SIZE L1 guest CPUs and memory           (default 4, 6G; bochs
#                    2, 2G)
#   HUGEPAGES=N      2M hugetlb pages reserved at boot  (default 256; bochs 64)
#   HUGEPAGES_1G=N   1G hugetlb pages reserved at boot  (default 1; bochs 0)
#   TESTS=a,b        run only these tests of the plan (each must be in it)
#   REQUIRE=a,b      these tests must not SKIP (each must be selected)
#   RERUN=0|1        rerun a failed test once (default 1; 0 for PLAN=bench)
#   REPEAT=N         run each selected test N times, as NAME.1 .. NAME.N
#                    (default 1; make soak)
#   FLAVOUR=debug    boot the debug kernel (KASAN, lockdep, ...)
#   TIMEOUT_SCALE=N  multiply the plan's timeouts by N  (default 1; 4 for debug)
#   TCG_THREAD=single|multi  TCG's threading (default single, which doubles
#                    the timeouts; make bench uses multi): multi-threaded TCG
#                    corrupts nested SVM guests now and then (README,
#                    "Known problems")
#   CMDLINE="..."    extra kernel parameters (kvm.X=V reach insmod of kvm.ko)
#   NAME=...         name of the run in build/logs and build/results
#   SHELL_MODE=1     interactive shell on the console instead of a plan
# Dies before booting on a plan that doesn't exist and on a TESTS or REQUIRE
# name the plan doesn't have.  Prints the KTAP as it arrives, then the
# summary; exits non-zero on any failure, on a guest that bailed out, ran no
# test or did not finish its plan, on a SKIP of a REQUIRE'd test, and on a
# kernel splat (WARNING, BUG, KASAN, lockdep, RCU stall, ...) in the guest's
# log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

emulator=${EMULATOR:-qemu}
case "$emulator" in
qemu)
	plan=${PLAN:-check}
	vcpus=${VCPUS:-4}
	# 6G: a boot-time 1G hugetlb page needs a free, 1G-aligned GiB of
	# RAM.  Below 4G there is none (initramfs just below 2G, PCI hole
	# from 3G); above 4G the early top-down allocations use the last
	# GiB, so RAM must reach 7G (-m 6G).
	mem=${MEM:-6G}
	hugepages=${HUGEPAGES:-256}
	hugepages_1g=${HUGEPAGES_1G:-1}
	;;
bochs)
	plan=${PLAN:-intel}
	# Two cores of one package: with a single CPU, Bochs' CPUID leaf 0xB
	# has no valid level and the kernel's legacy topology parser WARNs
	# (leaf 4 of the CPU model says 8 cores, leaf 1 one thread).
	vcpus=${VCPUS:-2}
	mem=${MEM:-2G}
	hugepages=${HUGEPAGES:-64}
	hugepages_1g=${HUGEPAGES_1G:-0}
	[ "${SHELL_MODE:-0}" = 1 ] && die "make shell is QEMU's only (Bochs' serial ports go to files here)"
	[ -z "${TCG_THREAD:-}" ] || die "TCG_THREAD is for QEMU (Bochs emulates every CPU on one host thread)"
	;;
*) die "EMULATOR must be qemu or bochs" ;;
esac
gtdp=${GLOBAL_TDP:-1}
name=${NAME:-$plan-gtdp$gtdp${FLAVOUR:+-$FLAVOUR}}
tscale=${TIMEOUT_SCALE:-$([ -n "$FLAVOUR" ] && echo 4 || echo 1)}
tcg_thread=${TCG_THREAD:-single}
if [ "$emulator" = qemu ]; then
	case "$tcg_thread" in
	single) tscale=$((tscale * 2)) ;;   # one host thread for all vCPUs
	multi) ;;
	*) die "TCG_THREAD must be single or multi" ;;
	esac
fi
# The benchmark is never rerun: a rerun would mix samples of two attempts.
rerun=${RERUN:-$([ "$plan" = bench ] && echo 0 || echo 1)}
case "$gtdp" in 0|1) ;; *) die "GLOBAL_TDP must be 0 or 1" ;; esac
case "$tscale" in [1-9] | [1-9][0-9]) ;; *) die "TIMEOUT_SCALE must be 1..99" ;; esac
case "$rerun" in 0|1) ;; *) die "RERUN must be 0 or 1" ;; esac
repeat=${REPEAT:-1}
case "$repeat" in [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;; *) die "REPEAT must be 1..999" ;; esac

# The plan, and the names asked for, before anything boots.
planlines=$(plan_lines "$plan")
if [ -n "${TESTS:-}" ]; then
	plan_check_names "$planlines" TESTS "$TESTS"
fi
if [ -n "${REQUIRE:-}" ]; then
	plan_check_names "$planlines" REQUIRE "$REQUIRE"
	if [ -n "${TESTS:-}" ]; then
		IFS=, read -ra req <<< "$REQUIRE"
		for t in "${req[@]}"; do
			case ",$TESTS," in *",$t,"*) ;; *) die "REQUIRE names '$t', which TESTS does not select" ;; esac
		done
	fi
fi

kernel=$OBJ/arch/x86/boot/bzImage
initrd=$INITRAMFS
[ -f "$kernel" ] || die "no kernel: run make build"
[ -f "$initrd" ] || die "no initramfs: run make build"

# kvm_amd.dump_invalid_vmcb: a VMRUN that fails on an invalid VMCB dumps it
# to the kernel log (ignored where kvm_amd isn't loaded).
# tsc=reliable: no clocksource watchdog.  Since Linux 7.x it also checks the
# TSC across CPUs every half second, spinning with interrupts off until the
# other CPU answers (watchdog_wait_seq(), a PAUSE loop that reads the clock
# every 5000 iterations); with 4 emulated CPUs on 2 host cores that spin
# lasted 21 s once (RCU stall, "Watchdog remote CPU 2 read timed out").
# The emulators' TSCs are synchronous by construction.
append="console=ttyS0 panic=-1 oops=panic tsc=reliable"
append="$append kvm.global_tdp=$gtdp kvm_amd.dump_invalid_vmcb=1"
append="$append dept.plan=$plan dept.hugepages=$hugepages"
append="$append hugepagesz=1G hugepages=$hugepages_1g"
if [ "$tscale" != 1 ]; then append="$append dept.tscale=$tscale"; fi
if [ "$rerun" = 0 ]; then append="$append dept.rerun=0"; fi
if [ "$repeat" != 1 ]; then append="$append dept.repeat=$repeat"; fi
if [ -n "${TESTS:-}" ]; then append="$append dept.only=$TESTS"; fi
if [ -n "${CMDLINE:-}" ]; then append="$append $CMDLINE"; fi
# Bochs: the guest powers off at the end (Bochs exits on an ACPI power-off,
# while a reboot restarts the BIOS).  i8042.noaux: no PS/2 mouse probing,
# which once stopped Bochs 2.7 during boot with ">>PANIC<< mouse: unknown
# resolution 243": its "set resolution" command (0xE8) got 0xF3 as its
# argument, where only 0-3 are valid (iodev/keyboard.cc); seen with two
# Bochs runs side by side.
if [ "$emulator" = bochs ]; then append="$append dept.poweroff=1 i8042.noaux"; fi
# ivshmem-plain: 4 MiB of plain RAM behind a PCI BAR, the only device
# direct_ept_failure_test writes to (its VM_PFNMAP memslot; the test looks
# for exactly this vendor:device ID and never opens any other device).  Bochs
# has no such device: that part of the test skips there.
qemu=("$QEMU" -accel "tcg,thread=$tcg_thread" -cpu max -smp "$vcpus" -m "$mem"
      -no-reboot -nic none -kernel "$kernel" -initrd "$initrd"
      -object "memory-backend-ram,id=ivshmem,size=4M" -device "ivshmem-plain,memdev=ivshmem")

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

# bochs_setup: an El Torito ISO with isolinux, the kernel, the initramfs and
# the command line, and a bochsrc for it, in $BUILD/bochs/$name; sets
# $bochs_dir and $bochs_desc.
bochs_setup() {
	local mib iso
	case "$mem" in
	*[0-9]G) mib=$((${mem%G} * 1024)) ;;
	*[0-9]M) mib=${mem%M} ;;
	*) die "MEM for Bochs must be NG or NM, not '$mem'" ;;
	esac
	bochs_dir=$BUILD/bochs/$name
	rm -rf "$bochs_dir"
	mkdir -p "$bochs_dir/iso"
	cp "$kernel" "$bochs_dir/iso/bzImage"
	cp "$initrd" "$bochs_dir/iso/initrd.gz"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$bochs_dir/iso/"
	printf 'DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL /bzImage\n  INITRD /initrd.gz\n  APPEND %s\n' \
		"$append" > "$bochs_dir/iso/isolinux.cfg"
	iso=$bochs_dir/boot.iso
	xorriso -as mkisofs -quiet -o "$iso" -b isolinux.bin -c boot.cat -no-emul-boot \
		-boot-load-size 4 -boot-info-table "$bochs_dir/iso" 2> "$bochs_dir/xorriso.log" ||
		die "xorriso failed: $(cat "$bochs_dir/xorriso.log")"
	# corei7_haswell_4770: VMX with EPT, EPT A/D bits, unrestricted guest,
	# VPID; no PML (Bochs 2.7's PML is wrong, see README).  The emulated
	# clock follows the host's (sync=realtime), so that the plan's
	# timeouts, which the guest measures, are wall time as on QEMU.
	# Debian's Bochs has the debugger compiled in and stops before the
	# first instruction: -rc gives it "c" (continue); at a later stop
	# (a triple fault, or the reset after a panic) it reads EOF from stdin
	# and quits.  No sound: the defaults try ALSA and abort on a machine
	# without a sound card.
	cat > "$bochs_dir/bochsrc" <<-RC
	megs: $mib
	cpu: model=$BOCHS_CPU, count=1:$vcpus:1, ips=$BOCHS_IPS
	romimage: file=/usr/share/bochs/BIOS-bochs-latest
	vgaromimage: file=/usr/share/vgabios/vgabios.bin
	ata0-master: type=cdrom, path=$iso, status=inserted
	boot: cdrom
	com1: enabled=1, mode=file, dev=$console
	com2: enabled=1, mode=file, dev=$ktap
	display_library: rfb, options="timeout=0"
	clock: sync=realtime, time0=local
	sound: driver=dummy
	speaker: enabled=0
	log: $logs/$name.bochs.log
	panic: action=fatal
	error: action=ignore
	info: action=ignore
	debug: action=ignore
	RC
	echo c > "$bochs_dir/rc"
	bochs_desc="Bochs $(dpkg-query -W -f='${Version}' bochs), cpu $BOCHS_CPU, 1 package of $vcpus cores, ${mib}M"
}

# Guest time limits, in wall time: every selected test may run twice (once
# without reruns), each attempt up to its timeout plus the guest's 10 s grace
# between SIGTERM and SIGKILL, plus boot; and the guest is taken as hung when
# its KTAP is silent for longer than the longest test timeout (the guest
# kills a test at its timeout and reports it).
read -r limit stall < <(awk -v only="${TESTS:-}" -v s="$tscale" -v a=$(((rerun + 1) * repeat)) '
	only == "" || index("," only ",", "," $1 ",") {
		t += a * ($2 * s + 10)
		if ($2 * s > m) m = $2 * s
	}
	END { print t + 120, m + 100 }' <<< "$planlines")

if [ "$emulator" = bochs ]; then
	bochs_setup
	log "booting $name under $bochs_desc: $append (limit ${limit}s)"
	bochs -q -f "$bochs_dir/bochsrc" -rc "$bochs_dir/rc" < /dev/null > "$logs/$name.bochs.out" 2>&1 &
else
	log "booting $name under $("$QEMU" --version | head -n 1), TCG thread=$tcg_thread: -smp $vcpus -m $mem, $append (limit ${limit}s)"
	"${qemu[@]}" -display none -monitor none \
		-serial "file:$console" -serial "file:$ktap" -append "$append" &
fi
qpid=$!
tail -n +1 -f --pid=$qpid "$ktap" | sed -u 's/\r$//' &
tpid=$!
qrc=0
timed_out=''
started=$(date +%s)
last_change=$started
last_size=0
while kill -0 $qpid 2>/dev/null; do
	now=$(date +%s)
	size=$(stat -c %s "$ktap")
	if [ "$size" != "$last_size" ]; then
		last_size=$size
		last_change=$now
	fi
	if [ $((now - started)) -ge "$limit" ]; then
		timed_out="no end after ${limit}s"
	elif [ $((now - last_change)) -ge "$stall" ]; then
		timed_out="no output for ${stall}s"
	fi
	if [ -n "$timed_out" ]; then
		kill $qpid
		break
	fi
	sleep 1
done
wait $qpid || qrc=$?
wait $tpid || true   # tail ends with QEMU; its status says nothing

tr -d '\r' < "$ktap" > "$ktap.clean"
res=$results/$name.tap
# One result per test, "RUN:TEST", with the guest's comment (the reason of a
# failure, "rerun: ..." for a pass on the rerun); "# subtest skip:" lines for
# the subtests that an ok direct_ept_*_test program skipped (nested KTAP
# "ok N # SKIP" results and "... skipped" diagnostics of its last attempt).
awk -v run="$name" -v timed_out="$timed_out" -v qrc=$qrc -v require="${REQUIRE:-}" \
    -v subtests="$DEPT_TESTS,$DEPT_EPT" '
	BEGIN {
		n = split(require, r, ",")
		for (i = 1; i <= n; i++) req[r[i]] = 1
		n = split(subtests, r, ",")
		for (i = 1; i <= n; i++) sub_of[r[i]] = 1
	}
	/^Bail out!/ { if (bail == "") bail = $0 }
	/^1\.\.[0-9]+/ { planned = substr($1, 4) + 0 }
	/^# dept: end of plan/ { done = 1 }
	/^# dept: start / { cur = $4; sub(/:$/, "", cur); skips = ""; bare = "" }
	/^# dept: .* rerunning once$/ { skips = ""; bare = "" }
	# Nested KTAP of the current test: "# ok N [name] # SKIP [reason]".
	(cur in sub_of) && /^# ok [0-9]+ .*# SKIP/ {
		l = $0; sub(/^# ok [0-9]+ */, "", l)
		nm = l; sub(/ *# SKIP.*/, "", nm)
		rs = l; sub(/.*# SKIP */, "", rs)
		if (nm == "") {
			if (match(rs, /^[A-Za-z0-9_-]+: /)) {
				nm = substr(rs, 1, RLENGTH - 2); rs = substr(rs, RLENGTH + 1)
			} else if (rs ~ /^[A-Za-z0-9_-]+$/) {
				nm = rs; rs = ""
			} else {
				nm = "?"
			}
		}
		if (rs == "") bare = bare (bare == "" ? "" : ", ") nm
		else skips = skips "# subtest skip: " run ":" cur ":" nm " (" rs ")\n"
		next
	}
	# Its diagnostics about parts it skipped ("1G part skipped: ...").
	(cur in sub_of) && /^# # / && tolower($0) ~ /skipp(ed|ing)/ {
		skips = skips "# subtest skip: " run ":" cur ": " substr($0, 5) "\n"
		next
	}
	/^ok / || /^not ok / {
		line = $0; ok = (line ~ /^ok /)
		sub(/^(not )?ok [0-9]+ /, "", line)
		tname = line; sub(/ #.*/, "", tname)
		comment = ""
		if (line ~ / # /) { comment = line; sub(/^[^#]* # /, " # ", comment) }
		skip = ok && comment ~ /^ # SKIP/
		seen++
		if (skip && (tname in req)) {
			rs = substr(comment, 9)
			printf "not ok %s:%s # skipped, but REQUIRE says it must run%s\n", run, tname, rs == "" ? "" : " (" rs ")"
			next
		}
		printf "%s %s:%s%s\n", ok ? "ok" : "not ok", run, tname, comment
		if (ok && !skip && tname == cur) {
			printf "%s", skips
			if (bare != "")
				printf "# subtest skip: %s:%s: not run in this configuration: %s\n", run, cur, bare
		}
	}
	END {
		if (bail != "")
			printf "not ok %s:guest # %s\n", run, bail
		else if (!done || seen < planned)
			printf "not ok %s:guest # the guest did not finish its plan (%d of %d results, %s, qemu exit %d)\n",
				run, seen, planned, timed_out ? "timed out: " timed_out : "no timeout", qrc
		else if (seen == 0)
			printf "not ok %s:guest # no test ran\n", run
	}' "$ktap.clean" > "$res"

# Kernel splats fail the run even when every test passed.
splat='(WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|kernel BUG|possible (recursive|circular) locking|DEBUG_LOCKS_WARN_ON|INFO: lockdep is turned off|INFO: task .* blocked|rcu: INFO: rcu_.* detected stalls|self-detected stall|soft lockup|Kernel panic|Call Trace:)'
if grep -Eq "$splat" "$console"; then
	echo "not ok $name:kernel_log # kernel splat in $console" >> "$res"
	echo "--- kernel log of $name (splat) ---"
	grep -E -B5 -A30 "$splat" "$console" | sed -n 1,120p
else
	echo "ok $name:kernel_log" >> "$res"
fi

"$TOP/scripts/summary.sh" "$res"
