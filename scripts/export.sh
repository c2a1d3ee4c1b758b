#!/usr/bin/env bash
# Regenerate the series as format-patch files from the scratch tree.
# Usage: scripts/export.sh [OUTDIR]   (default: patches/; OUTDIR gets a copy)
# The output depends only on the commits and the branch description: same
# input, byte-identical files.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-$TOP/patches}
[ -e "$TREE/.git" ] || die "no scratch tree: run make tree"

# The cover letter's From: (format-patch takes the committer identity) is the
# author of the series' first commit, never the user's git identity, and its
# Date: the date of the last one: the same files on every machine.
author=$(series_author)
name=${author%%$'\n'*}
email=${author#*$'\n'}
head_date=$(git -C "$TREE" log -1 --format=%aI series)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Ignore personal git configuration so the format does not vary by machine.
GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_COMMITTER_DATE=$head_date \
	git -C "$TREE" format-patch -q -o "$tmp" \
		--cover-letter --cover-from-description=subject \
		--subject-prefix="RFC PATCH v3" --zero-commit --no-signature \
		--base="$BASE_TAG" --abbrev=12 -M \
		"$BASE_TAG..series"

(cd "$tmp" && ls -- *.patch) > "$tmp/series"

mkdir -p "$out"
# Remove patch files that are no longer part of the series.
find "$out" -maxdepth 1 -name '*.patch' -type f | while read -r f; do
	[ -e "$tmp/$(basename "$f")" ] || rm -- "$f"
done
for f in "$tmp"/*.patch "$tmp/series"; do
	cmp -s "$f" "$out/$(basename "$f")" 2>/dev/null || cp "$f" "$out/"
done
