#!/usr/bin/env bash
# Build every patch of the series on its own (bisectability): a worktree of
# build/linux at build/bisect steps through base..series; after each commit an
# incremental build of bzImage and the KVM modules, plus the selftests whose
# sources the commit touches.  Each commit is also linted (scripts/lint.sh: W=1
# and sparse) before and after it is applied; a finding that the touched files
# did not have before fails it.  Writes build/results/bisect.tap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

main=$TREE
wt=$BUILD/bisect
res=$BUILD/results/bisect.tap
mkdir -p "$BUILD/results" "$BUILD/logs"
: > "$res"

[ -e "$main/.git" ] || die "no scratch tree: run make tree"
if [ ! -e "$wt/.git" ]; then
	git -C "$main" worktree prune
	git -C "$main" worktree add -q --detach "$wt" "$BASE_TAG"
fi

mapfile -t commits < <(git -C "$main" rev-list --reverse "$BASE_TAG..series")
rc=0
n=0

# The base is built too, so that the first patch's lint has a "before".
git -C "$wt" checkout -q --detach "$BASE_TAG"
TREE=$wt "$TOP/scripts/build-kernel.sh" > "$BUILD/logs/bisect-0000.log" 2>&1 ||
	{ tail -n 30 "$BUILD/logs/bisect-0000.log"; die "the base does not build"; }

# Kernel C files linted for commit $1: those it touches, and, when it touches
# a header, every C file the series touches (they include its headers).
lint_files() {
	local f h
	h=$(git -C "$main" diff --name-only "$1^" "$1" -- '*.h' | sed '/^tools\//d')
	if [ -n "$h" ]; then
		f=$(git -C "$main" diff --name-only "$BASE_TAG" series -- '*.c')
	else
		f=$(git -C "$main" diff --name-only "$1^" "$1" -- '*.c')
	fi
	printf '%s\n' "$f" | sed -e '/^tools\//d' -e '/^$/d'
}

prev_after='' prev_lint=''
for c in "${commits[@]}"; do
	n=$((n + 1))
	subj=$(git -C "$main" log -1 --format=%s "$c")
	label=$(printf '%04d' $n)
	log "bisect $label: $subj"
	mapfile -t lint < <(lint_files "$c")
	before=$BUILD/logs/lint-$label.before
	after=$BUILD/logs/lint-$label.after
	# The previous commit's "after" is this one's "before" for the same files.
	if [ -n "$prev_after" ] && [ "${lint[*]}" = "$prev_lint" ]; then
		cp "$prev_after" "$before"
	else
		TREE=$wt "$TOP/scripts/lint.sh" "${lint[@]}" > "$before"
	fi
	git -C "$wt" checkout -q --detach "$c"
	ok=1
	TREE=$wt "$TOP/scripts/build-kernel.sh" > "$BUILD/logs/bisect-$label.log" 2>&1 || ok=0
	if [ $ok = 1 ]; then
		mapfile -t progs < <(git -C "$wt" diff --name-only "$c^" "$c" -- tools/testing/selftests/kvm |
			sed -n 's|^tools/testing/selftests/kvm/\(.*\)\.c$|\1|p' | grep -v '^lib/')
		if [ ${#progs[@]} -gt 0 ]; then
			kst=$wt/out/kselftest/kvm
			make -C "$wt/tools/testing/selftests/kvm" -j"$JOBS" -s CC="ccache gcc" \
				OUTPUT="$kst" KHDR_INCLUDES="-isystem $wt/out/usr/include" \
				EXTRA_CFLAGS=-static LDFLAGS=-static "${progs[@]/#/$kst/}" \
				>> "$BUILD/logs/bisect-$label.log" 2>&1 || ok=0
		fi
	fi
	if [ $ok = 1 ]; then
		echo "ok build:$label $subj" | tee -a "$res"
	else
		echo "not ok build:$label $subj # see build/logs/bisect-$label.log" | tee -a "$res"
		tail -n 30 "$BUILD/logs/bisect-$label.log"
		rc=1
	fi

	# W=1 and sparse: no finding the touched files did not have before.
	TREE=$wt "$TOP/scripts/lint.sh" "${lint[@]}" > "$after"
	new=$(comm -13 "$before" "$after")
	prev_after=$after
	prev_lint=${lint[*]}
	if [ -z "$new" ]; then
		echo "ok lint:$label W=1 and sparse on ${#lint[@]} files, $(wc -l < "$after") findings, none new" | tee -a "$res"
	else
		echo "not ok lint:$label new W=1/sparse findings, see build/logs/lint-$label.after" | tee -a "$res"
		printf '%s\n' "$new"
		rc=1
	fi
done
exit $rc
