#!/usr/bin/env bash
# Create build/linux: a git tree of the pristine base source (commit tagged
# "base"), with the series from patches/ applied by git am on branch "series".
# Refuses to touch an existing tree; "make distclean-tree" removes it.  The
# tree is made in a temporary directory under build/ and moved to build/linux
# only when the whole series applied: a failed git am leaves no build/linux
# (the tree where it stopped is kept as build/linux-am-failed).  No git
# identity or configuration of the user is needed or used.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -e "$TREE" ] && die "$TREE exists; remove it first (make distclean-tree)"

[ -f "$BASE_DEB" ] || die "$BASE_DEB missing: run scripts/deps.sh"
installed=$(dpkg-deb -f "$BASE_DEB" Version)
if [ "$installed" != "$BASE_VERSION" ]; then
	cat >&2 <<MSG
##########################################################################
WARNING: base is $BASE_PKG $installed, base.mk pins $BASE_VERSION.
##########################################################################
MSG
fi

mkdir -p "$BUILD"
# Built in a temporary directory and moved into place only when complete, so
# that no half-made tree (e.g. after a failed git am) is ever at $TREE.
tmp=$(mktemp -d "$BUILD/tree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tarball=usr/src/$BASE_PKG.tar.xz
log "unpacking $tarball of ${BASE_DEB#"$TOP"/}"
dpkg-deb --fsys-tarfile "$BASE_DEB" | tar -xO "./$tarball" | tar -C "$tmp" -xJ ||
	die "$BASE_DEB has no (readable) $tarball"
work=$tmp/$BASE_PKG
[ -d "$work" ] || die "$tarball has no $BASE_PKG/ directory"

cd "$work"
# Debian appends a packaging block to the top-level .gitignore whose "/*"
# pattern ignores every untracked file below the top-level directories, so
# "git add" of a new kernel file would silently do nothing.  Cut it off.
awk '/^# Debian packaging/ || $0 == "/*" { exit } { print }' .gitignore > .gitignore.new
mv .gitignore.new .gitignore

# Every git command here runs as harness_git: fixed identity, no personal
# configuration, so the tree is the same for everybody.
harness_git init -q -b series
harness_git config core.autocrlf false
harness_git config gc.auto 0
printf '/out*/\n' >> .git/info/exclude
log "committing the base tree"
harness_git add -f -A
harness_git commit -q -m "Linux $BASE_PKG $installed (Debian)" \
	-m "Pristine source from Debian's $BASE_PKG package, with the Debian packaging block removed from the top-level .gitignore."
harness_git tag "$BASE_TAG"

series=$TOP/patches/series
if [ -s "$series" ]; then
	mapfile -t files < <(grep -v -e '^#' -e '^0000-cover-letter.patch$' "$series" | sed '/^$/d')
	log "applying ${#files[@]} patches"
	for f in "${files[@]}"; do
		[ -f "$TOP/patches/$f" ] || die "patches/series names $f, which does not exist"
	done
	# Authors and dates come from the patches; the committer is "harness",
	# with the author's date, so the commits are the same on every machine.
	if ! (cd "$TOP/patches" && harness_git -C "$work" am -q --committer-date-is-author-date \
		"${files[@]/#/$TOP/patches/}"); then
		failed=$BUILD/linux-am-failed
		rm -rf "$failed"
		mv "$work" "$failed"
		die "the series does not apply to the base (git am stopped; no $TREE was made; the tree where it stopped is $failed, remove it when done)"
	fi
	cover=$TOP/patches/0000-cover-letter.patch
	if [ -f "$cover" ]; then
		"$TOP/scripts/cover.sh" read "$cover" > .git/cover-description
		harness_git config branch.series.description "$(cat .git/cover-description)"
		rm .git/cover-description
	fi
fi
cd "$TOP"
[ -e "$TREE" ] && die "$TREE appeared while it was being made; the new tree is discarded"
mv "$work" "$TREE"
log "scratch tree ready: $TREE (branch series, base tag $BASE_TAG)"
