#!/usr/bin/env bash
# W=1 and sparse (C=2) on kernel C files of a built tree ($TREE, default
# build/linux), one kbuild single-object target per file:
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
kmake -k -s W=1 C=2 "${objs[@]}" > "$out" 2>&1 || rc=$?
sed -n -E 's#^(\.\./)?([^: ]+):[0-9]+(:[0-9]+)?: (warning|error): #\2: \4: #p' "$out" | sort
if [ $rc != 0 ] && ! grep -Eq '(warning|error): ' "$out"; then
	cat "$out" >&2
	die "lint build failed without a finding"
fi
