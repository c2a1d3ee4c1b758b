#!/usr/bin/env bash
# Print the cover letter's subject and text (without the generated prefix,
# shortlog, diffstat and base-commit) as a branch description, which is what
# "git format-patch --cover-from-description=subject" turns back into it.
# Usage: scripts/cover.sh read patches/0000-cover-letter.patch
set -euo pipefail

if [ "${1:-}" != read ] || [ ! -f "${2:-}" ]; then
	echo "usage: $0 read COVER" >&2
	exit 2
fi

awk '
	BEGIN { hdr = 1; n = 0 }
	# Header: unfold the Subject and strip "[... 00/NN] ".
	hdr && /^Subject: / { subj = substr($0, 10); insub = 1; next }
	hdr && insub && /^[ \t]/ { sub(/^[ \t]+/, " "); subj = subj $0; next }
	hdr && /^$/ { hdr = 0; next }
	hdr { insub = 0; next }
	# The text ends where the shortlog begins: "Name (N):", then an indented line.
	prev ~ /^[^ ].* \([0-9]+\):$/ && /^  / { n--; done = 1; exit }
	{ body[++n] = $0; prev = $0 }
	END {
		if (!done) { print "cover.sh: no shortlog found in cover letter" > "/dev/stderr"; exit 1 }
		while (n > 0 && body[n] == "") n--
		sub(/^\[[^]]*\] */, "", subj)
		print subj
		if (n > 0) print ""
		for (i = 1; i <= n; i++) print body[i]
	}
' "$2"
