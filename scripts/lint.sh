#!/usr/bin/env bash
# W=1 and sparse (C=2, with the sparse scripts/deps.sh builds) on kernel C
# files of a built tree ($TREE, default build/linux), one kbuild
# single-object target per file (a developer's tool; make check's per-patch
# builds record sparse's findings as they compile, see bisect-build.sh):
#   scripts/lint.sh FILE.c...
# Prints the findings, one per line, sorted, as "FILE: warning|error: MESSAGE"
# without line numbers, so that two versions of a file can be compared with
# comm(1) (see bisect-build.sh).  Files that don't exist are skipped.  The
# build's exit status is not used: with KVM_WERROR=y the W=1 warnings of KVM
# files are errors, and those are exactly the findings.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

objs=()
for f in "$@"; do
	[ -f "$TREE/$f" ] && objs+=("${f%.c}.o")
done
[ ${#objs[@]} -gt 0 ] || exit 0

out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
[ -x "$SPARSE" ] || die "no $SPARSE: run scripts/deps.sh"
kmake -k -s W=1 C=2 CHECK="$SPARSE" "${objs[@]}" > "$out" 2>&1 || rc=$?
# kbuild skips the checker, with only a warning, when it is too old.
if grep -q 'specified, but .* is not available or not up to date' "$out"; then
	cat "$out" >&2
	die "sparse did not run"
fi
sed -n -E 's#^(\.\./)?([^: ]+):[0-9]+(:[0-9]+)?: (warning|error): #\2: \4: #p' "$out" | sort
if [ $rc != 0 ] && ! grep -Eq '(warning|error): ' "$out"; then
	cat "$out" >&2
	die "lint build failed without a finding"
fi
