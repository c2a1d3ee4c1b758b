#!/usr/bin/env bash
# Exit non-zero, saying what differs, when the scratch tree and patches/
# disagree (uncommitted kernel changes, or commits not exported).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ ! -e "$TREE/.git" ]; then
	echo "series-check: no scratch tree ($TREE); nothing to compare"
	exit 0
fi

rc=0
dirty=$(git -C "$TREE" status --porcelain --untracked-files=normal -- . ':!out')
if [ -n "$dirty" ]; then
	echo "series-check: uncommitted changes in $TREE:"
	printf '%s\n' "$dirty" | head -n 20 | sed 's/^/  /'
	rc=1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$TOP/scripts/export.sh" "$tmp/patches"
if ! diff -ru "$TOP/patches" "$tmp/patches" > "$tmp/diff"; then
	echo "series-check: patches/ differs from the scratch tree's commits (run make export):"
	grep -E '^(Only in|diff )' "$tmp/diff" | head -n 20 | sed 's/^/  /'
	rc=1
fi
[ $rc = 0 ] && echo "series-check: patches/ matches $TREE"
exit $rc
