#!/usr/bin/env bash
# kbuild's CHECK= for the per-patch builds (bisect-build.sh): runs sparse
# ($SPARSE) on one file and passes its output on, and records the findings
# for that file (FILE, its path in the tree $LINT_SRC) in $LINT_DIR/FILE.txt (replaced at every check of FILE), one
# per line, sorted, as "PATH: warning|error: MESSAGE" without line numbers,
# so that two versions of a file can be compared with comm(1).
set -euo pipefail
: "${LINT_DIR:?}" "${LINT_SRC:?}" "${SPARSE:?}"
src=${!#}
rc=0
out=$("$SPARSE" "$@" 2>&1) || rc=$?
[ -z "$out" ] || printf '%s\n' "$out" >&2
# kbuild names the file relative to the directory it runs sparse in;
# files outside the tree ($LINT_SRC, e.g. scripts/checker-valid.sh's probe)
# are not recorded.
abs=$(realpath -e -- "$src")
case "$abs" in
"$LINT_SRC"/*)
	rec=$LINT_DIR/${abs#"$LINT_SRC"/}.txt
	mkdir -p "$(dirname "$rec")"
	printf '%s\n' "$out" |
		sed -n -E 's#^(\.\./)?([^: ]+):[0-9]+(:[0-9]+)?: (warning|error): #\2: \4: #p' |
		sort > "$rec.tmp"
	mv "$rec.tmp" "$rec"
	;;
esac
exit $rc
