#!/usr/bin/env bash
# Summarize result files ("ok NAME", "not ok NAME # why", "ok NAME # SKIP"):
# list the failures and end with "N passed, N failed, N skipped".
# Exits 1 when anything failed or no result was found.
set -euo pipefail

cat -- "$@" | awk '
	/^not ok / { fail++; failed[fail] = $0; next }
	/^ok .*# SKIP/ { skip++; next }
	/^ok / { pass++ }
	END {
		if (fail) {
			print "failures:"
			for (i = 1; i <= fail; i++) print "  " failed[i]
		}
		printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
		exit (fail > 0 || pass + skip == 0)
	}'
