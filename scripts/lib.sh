# shellcheck shell=bash
# Common settings for the harness scripts; sourced, never executed.
# shellcheck disable=SC2034 # the variables are for the scripts that source this

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
TREE=${TREE:-$BUILD/linux} # scratch kernel tree (git), edited by developers
# Kernel flavour: "" (configs/kvm.config) or "debug" (plus configs/debug.config:
# KASAN, lockdep, ...), built in its own output directory with its own initramfs.
FLAVOUR=${FLAVOUR:-}
case "$FLAVOUR" in '' | debug) ;; *) echo "error: FLAVOUR must be empty or debug" >&2; exit 1 ;; esac
OUTDIR=out${FLAVOUR:+-$FLAVOUR}
OBJ=$TREE/$OUTDIR          # kbuild output: a subdirectory of the source, so that
                           # kbuild uses relative paths and ccache hits across clones
KST=$TREE/out/kselftest/kvm  # the selftests, the same for every flavour
INITRAMFS=$BUILD/initramfs${FLAVOUR:+-$FLAVOUR}.cpio.gz
BASE_TAG=base

BASE_PKG=$(sed -n 's/^BASE_PKG *:= *//p' "$TOP/base.mk")
BASE_VERSION=$(sed -n 's/^BASE_VERSION *:= *//p' "$TOP/base.mk")
BASE_SUITE=$(sed -n 's/^BASE_SUITE *:= *//p' "$TOP/base.mk")
BASE_MIRROR=$(sed -n 's/^BASE_MIRROR *:= *//p' "$TOP/base.mk")
SPARSE_VERSION=$(sed -n 's/^SPARSE_VERSION *:= *//p' "$TOP/base.mk")
SPARSE_SUITE=$(sed -n 's/^SPARSE_SUITE *:= *//p' "$TOP/base.mk")
# sparse built by scripts/deps.sh (7.x needs a newer one than Debian 12 has).
SPARSE_DIR=$BUILD/sparse
SPARSE=$SPARSE_DIR/bin/sparse
# The downloaded base package (scripts/deps.sh) and its private apt state.
BASE_DIR=$BUILD/base
BASE_DEB=$BASE_DIR/base.deb
# The emulator of the test guests (QEMU=... to try another build).
QEMU=${QEMU:-qemu-system-x86_64}
# Bochs (EMULATOR=bochs): the Intel CPU model (VMX with EPT) and the
# instructions per emulated second.
BOCHS_CPU=${BOCHS_CPU:-corei7_haswell_4770}
BOCHS_IPS=${BOCHS_IPS:-50000000}

export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
# Depend mode: a miss runs no separate preprocessor pass (the hash comes from
# the compiler's -MD output, which kbuild asks for): the KVM modules compiled
# with an empty cache took 46 s instead of 63 s; the entries of the default
# mode still hit.
export CCACHE_DEPEND=1

JOBS=${JOBS:-$(nproc)}

log() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Fixed identity and dates for commits the harness makes itself, so that the
# base commit (and with it "base-commit:" in the cover letter) is the same on
# every machine; the user's and the system's git configuration are ignored
# (no identity needed, no commit.gpgsign, hooks path, ...).  "git am
# --committer-date-is-author-date" still takes each commit's date from its
# patch.
harness_git() {
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
	GIT_AUTHOR_NAME=harness GIT_AUTHOR_EMAIL=harness@localhost \
	GIT_COMMITTER_NAME=harness GIT_COMMITTER_EMAIL=harness@localhost \
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git "$@"
}

# The author of the series' first commit in the scratch tree, as two lines,
# name and email: the From: of the cover letter and of make mail.  Call it as
# author=$(series_author), so that a failure stops the caller.
series_author() {
	local first
	first=$(git -C "$TREE" rev-list --reverse "$BASE_TAG..series" | sed -n 1p)
	[ -n "$first" ] || die "no commits in $BASE_TAG..series of $TREE"
	git -C "$TREE" log -1 --format='%an%n%ae' "$first"
}

# Test plans (guest/plans/NAME.plan): one test a line, "name timeout(s)
# program [args]"; "#" starts a comment, also after a test; blank lines are
# ignored.  guest/init strips them with the same sed expression, so host and
# guest see the same lines.
PLAN_SED='s/#.*//;s/[[:space:]]*$//;/^$/d'
PLANS=$TOP/guest/plans
# The plan lines of the feature's tests, one program per theme (pinning,
# population, dirty logging, failure modes), and of their EPT subsets in
# intel.plan.
DEPT_TESTS=direct_ept_pin_test,direct_ept_populate_test,direct_ept_dirty_log_test,direct_ept_failure_test
DEPT_EPT=direct_ept_ept_pin,direct_ept_ept_populate,direct_ept_ept_dirty_log

# plan_lines NAME: the lines of plan NAME, comments stripped; fails (with a
# message) on a missing plan, a malformed line or a test named twice.  Call
# it as lines=$(plan_lines NAME), or in a pipeline under pipefail.
plan_lines() {
	local f=$PLANS/$1.plan
	if [ ! -f "$f" ]; then
		local p all=''
		for p in "$PLANS"/*.plan; do
			p=${p##*/}
			all+=" ${p%.plan}"
		done
		die "no plan '$1' ($f); the plans are:$all"
	fi
	sed -e "$PLAN_SED" "$f" | awk -v f="$f" '
		NF < 3 || $2 !~ /^[0-9]+$/ || $2 == 0 {
			printf "error: %s: not \"name timeout(s) program [args]\": %s\n", f, $0 > "/dev/stderr"
			bad = 1
		}
		seen[$1]++ == 1 {
			printf "error: %s: test %s is named twice\n", f, $1 > "/dev/stderr"
			bad = 1
		}
		{ print }
		END { exit bad }'
}

# plan_check_names LINES VAR LIST: die unless every name of the comma-separated
# LIST (the value of variable VAR) is a test of the plan whose lines
# (plan_lines) are LINES.
plan_check_names() {
	local lines=$1 var=$2 list=$3 t names
	local -a want
	names=$(awk '{ print $1 }' <<< "$lines")
	IFS=, read -ra want <<< "$list"
	[ ${#want[@]} -gt 0 ] || die "$var is set but names no test"
	for t in "${want[@]}"; do
		grep -qxF -- "$t" <<< "$names" ||
			die "$var names '$t', which the plan does not have (its tests: $(paste -sd' ' - <<< "$names"))"
	done
}

kmake() {
	make -C "$TREE" O="$OUTDIR" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}
