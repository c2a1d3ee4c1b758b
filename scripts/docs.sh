#!/usr/bin/env bash
# make SPHINXDIRS=virt htmldocs on the scratch tree (Sphinx from Debian), and
# fail on any Sphinx warning or error in a Documentation/ file the series
# touches (the base tree has warnings of its own elsewhere, which are listed
# but not judged).  kernel-parameters.txt is included literally by the
# admin guide, so it has no markup to check.  Writes build/results/docs.tap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

res=$BUILD/results/docs.tap
logf=$BUILD/logs/htmldocs.log
mkdir -p "$BUILD/results" "$BUILD/logs"
[ -e "$TREE/.git" ] || die "no scratch tree: run make tree"

mapfile -t touched < <(git -C "$TREE" diff --name-only "$BASE_TAG" series -- Documentation |
	sed -n '/\.rst$/p')
log "htmldocs (SPHINXDIRS=virt); the series touches ${touched[*]:-no .rst file}"
rc=0
make -C "$TREE" O=out-docs SPHINXDIRS=virt htmldocs > "$logf" 2>&1 || rc=$?
if [ $rc != 0 ]; then
	tail -n 30 "$logf"
	echo "not ok htmldocs # make htmldocs failed, see build/logs/htmldocs.log" > "$res"
	exit 1
fi

all=$(grep -Ec '(WARNING|ERROR|CRITICAL|SEVERE)' "$logf" || [ $? = 1 ])
ours=''
for f in "${touched[@]}"; do
	ours+=$(grep -E "${f#Documentation/}:[0-9]*: (WARNING|ERROR|CRITICAL|SEVERE)" "$logf" || [ $? = 1 ])
done
for f in "${touched[@]}"; do
	html=$TREE/out-docs/Documentation/output/${f#Documentation/}
	html=${html%.rst}.html
	[ -f "$html" ] || ours+="no HTML page for $f (${html#"$TREE"/})"$'\n'
done
if [ -n "$ours" ]; then
	printf '%s\n' "$ours"
	echo "not ok htmldocs # warnings in the series' documents" > "$res"
	exit 1
fi
echo "ok htmldocs # ${#touched[@]} documents of the series without warnings ($all in the rest of virt/)" > "$res"
cat "$res"
