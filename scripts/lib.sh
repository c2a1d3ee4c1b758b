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

export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1

JOBS=${JOBS:-$(nproc)}

log() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Fixed identity and dates for commits the harness makes itself, so that the
# base commit (and with it "base-commit:" in the cover letter) is the same on
# every machine.
harness_git() {
	GIT_AUTHOR_NAME=harness GIT_AUTHOR_EMAIL=harness@localhost \
	GIT_COMMITTER_NAME=harness GIT_COMMITTER_EMAIL=harness@localhost \
	GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git "$@"
}

kmake() {
	make -C "$TREE" O="$OUTDIR" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}
