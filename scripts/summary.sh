#!/usr/bin/env bash
# Summarize result files ("ok NAME", "not ok NAME # why", "ok NAME # SKIP",
# "ok NAME # rerun: ..." for a pass on the rerun, "# subtest skip: ..."):
# list the failures and the subtest skips, then, always, the line
#   reruns: K passed only on their rerun[: NAME, NAME]
# and last "N passed, N failed, N skipped".
# Usage: summary.sh [--expect STEP[,STEP...]]... FILE...
# Each expected STEP must have reported, else it counts as "not ok STEP # no
# result": a STEP ending in .tap is a result file that must be among FILE
# and hold a result (or a result named after the file, without .tap, must
# exist: the record of a step that died); any other STEP is a result name,
# or the part before the first ":" of one (e.g. checkpatch for
# checkpatch:0001-...).  A FILE that doesn't exist is expected in the same way.
# Exits 1 when anything failed or no result was found.
set -euo pipefail

expect=()
files=()
while [ $# -gt 0 ]; do
	case "$1" in
	--expect)
		[ $# -ge 2 ] || { echo "summary.sh: --expect needs a list" >&2; exit 2; }
		IFS=, read -ra e <<< "$2"
		expect+=("${e[@]}")
		shift 2 ;;
	*)
		if [ -f "$1" ]; then
			files+=("$1")
		else
			expect+=("${1##*/}")
		fi
		shift ;;
	esac
done
[ ${#files[@]} -gt 0 ] || files=(/dev/null)

awk -v expect="$(IFS=,; echo "${expect[*]}")" '
	function name_of(line,   n) {
		n = line
		sub(/^(not )?ok /, "", n)
		sub(/ #.*/, "", n)
		return n
	}
	FNR == 1 { file = FILENAME; sub(/.*\//, "", file) }
	/^(not )?ok / {
		nresults[file]++
		n = name_of($0)
		have[n] = 1
		p = n; sub(/:.*/, "", p); have[p] = 1
	}
	/^not ok / { fail++; failed[fail] = $0; next }
	/^ok .*# SKIP/ { skip++; next }
	/^ok [^#]*# rerun:/ { pass++; reruns++; rerun[reruns] = name_of($0); next }
	/^ok / { pass++; next }
	/^# subtest skip: / { nsub++; subskip[nsub] = substr($0, 17); next }
	END {
		n = split(expect, e, ",")
		for (i = 1; i <= n; i++) {
			x = e[i]
			if (x == "" || (x in asked)) continue
			asked[x] = 1
			if (x ~ /\.tap$/) {
				base = x; sub(/\.tap$/, "", base)
				found = (x in nresults) || (base in have)
			} else {
				found = (x in have)
			}
			if (!found) { fail++; failed[fail] = "not ok " x " # no result" }
		}
		if (fail) {
			print "failures:"
			for (i = 1; i <= fail; i++) print "  " failed[i]
		}
		if (nsub) {
			printf "subtest skips inside passing tests (%d):\n", nsub
			for (i = 1; i <= nsub; i++) print "  " subskip[i]
		}
		list = ""
		for (i = 1; i <= reruns; i++) list = list (i > 1 ? ", " : ": ") rerun[i]
		printf "reruns: %d passed only on their rerun%s\n", reruns, list
		printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
		exit (fail > 0 || pass + skip == 0)
	}' "${files[@]}"
