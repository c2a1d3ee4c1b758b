#!/usr/bin/env bash
# scripts/checkpatch.pl --strict on every patch of patches/series (not the
# cover letter).  A finding passes only when checkpatch-allow.txt lists its
# patch and type with a justification.  Writes build/results/checkpatch.tap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

allow=$TOP/checkpatch-allow.txt
res=$BUILD/results/checkpatch.tap
mkdir -p "$BUILD/results"
: > "$res"
rc=0
while read -r p; do
	case "$p" in ''|'#'*|0000-cover-letter.patch) continue ;; esac
	out=$("$TREE/scripts/checkpatch.pl" --strict --terse --show-types --no-summary \
		"$TOP/patches/$p" 2>&1) || true   # judged below, finding by finding
	bad=0
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		type=$(printf '%s\n' "$f" | sed -nE 's/^[^ ]*: (ERROR|WARNING|CHECK):([A-Z0-9_]+):.*/\2/p')
		if [ -n "$type" ] && awk -v p="$p" -v t="$type" '
			$1 == p && $2 == t && / # ./ { found = 1 } END { exit !found }' "$allow"; then
			echo "  allowed: $f"
			continue
		fi
		echo "  $f"
		bad=1
	done <<< "$out"
	if [ $bad = 0 ]; then
		echo "ok checkpatch:$p" | tee -a "$res"
	else
		echo "not ok checkpatch:$p" | tee -a "$res"
		rc=1
	fi
done < "$TOP/patches/series"
exit $rc
