#!/usr/bin/env bash
# Create build/linux: a git tree of the pristine base source (commit tagged
# "base"), with the series from patches/ applied by git am on branch "series".
# Refuses to touch an existing tree; "make distclean-tree" removes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -e "$TREE" ] && die "$TREE exists; remove it first (make distclean-tree)"

installed=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null) ||
	die "$BASE_PKG is not installed: run scripts/deps.sh"
if [ "$installed" != "$BASE_VERSION" ]; then
	cat >&2 <<MSG
##########################################################################
WARNING: base is $BASE_PKG $installed, base.mk pins $BASE_VERSION.
##########################################################################
MSG
fi
tarball=/usr/src/$BASE_PKG.tar.xz
[ -f "$tarball" ] || die "$tarball missing: is $BASE_PKG installed?"

mkdir -p "$BUILD"
tmp=$(mktemp -d "$BUILD/unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "unpacking $tarball"
tar -C "$tmp" -xf "$tarball"
mv "$tmp/$BASE_PKG" "$TREE"

cd "$TREE"
# Debian appends a packaging block to the top-level .gitignore whose "/*"
# pattern ignores every untracked file below the top-level directories, so
# "git add" of a new kernel file would silently do nothing.  Cut it off.
awk '/^# Debian packaging/ || $0 == "/*" { exit } { print }' .gitignore > .gitignore.new
mv .gitignore.new .gitignore

git init -q -b series
git config core.autocrlf false
git config gc.auto 0
printf '/out*/\n' >> .git/info/exclude
log "committing the base tree"
git add -f -A
harness_git commit -q -m "Linux $BASE_PKG $installed (Debian)" \
	-m "Pristine source from Debian's $BASE_PKG package, with the Debian packaging block removed from the top-level .gitignore."
git tag "$BASE_TAG"

series=$TOP/patches/series
if [ -s "$series" ]; then
	mapfile -t files < <(grep -v -e '^#' -e '^0000-cover-letter.patch$' "$series" | sed '/^$/d')
	log "applying ${#files[@]} patches"
	for f in "${files[@]}"; do
		[ -f "$TOP/patches/$f" ] || die "patches/series names $f, which does not exist"
	done
	(cd "$TOP/patches" && git -C "$TREE" am -q --committer-date-is-author-date "${files[@]/#/$TOP/patches/}") ||
		die "the series does not apply to the base (git am stopped; see $TREE)"
	cover=$TOP/patches/0000-cover-letter.patch
	if [ -f "$cover" ]; then
		"$TOP/scripts/cover.sh" read "$cover" > .git/cover-description
		git config branch.series.description "$(cat .git/cover-description)"
		rm .git/cover-description
	fi
fi
log "scratch tree ready: $TREE (branch series, base tag $BASE_TAG)"
