#!/usr/bin/env bash
# scripts/checkpatch.pl --strict on every patch of patches/series (not the
# cover letter).  A finding passes only when checkpatch-allow.txt lists its
# patch (file name without the number) and type with a justification.  Writes build/results/checkpatch.tap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

allow=$TOP/checkpatch-allow.txt
res=$BUILD/results/checkpatch.tap
mkdir -p "$BUILD/results"
: > "$res"
rc=0
while read -r p; do
	case "$p" in ''|'#'*|0000-cover-letter.patch) continue ;; esac
	# Debian's python3 first: its spdxcheck.py needs python3-ply and python3-git.
	out=$(PATH=/usr/bin:$PATH "$TREE/scripts/checkpatch.pl" --strict --terse --show-types --no-summary \
		"$TOP/patches/$p" 2>&1) || true   # judged below, finding by finding
	bad=0
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		type=$(printf '%s\n' "$f" | sed -nE 's/^[^ ]*: (ERROR|WARNING|CHECK):([A-Z0-9_]+):.*/\2/p')
		# The allow list names patches without their number, which changes
		# whenever a patch is inserted before them.
		if [ -n "$type" ] && awk -v p="${p#[0-9][0-9][0-9][0-9]-}" -v t="$type" '
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
