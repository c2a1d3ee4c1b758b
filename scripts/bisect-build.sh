#!/usr/bin/env bash
# Build every patch of the series on its own (bisectability), each commit
# checked for what it can break, in a worktree of build/linux at build/bisect
# whose kbuild output is seeded from the main build (build/linux/out, the
# top of the series), so that only what differs from it is compiled:
#  - a commit that changes kernel sources: the KVM modules (M=arch/x86/kvm)
#    with W=1 and sparse (C=1) on every file it recompiles, every other kernel
#    object whose dependencies (its .cmd file) name a file the commit changes,
#    and the uapi headers; a kernel file outside KVM and the include
#    directories makes it bzImage and all modules instead.  With KVM_WERROR=y
#    a W=1 warning in KVM fails the build; sparse's findings are recorded per
#    file (scripts/sparse-record.sh), and a finding that the file's previous
#    check did not have fails the commit;
#  - a commit that changes the KVM selftests: the selftest library and every
#    x86 test program it changes or that includes a selftest header it
#    changes (directly or through other headers), with no compiler warning in
#    a file the series changes;
#  - a commit that changes only Documentation/: nothing here (make docs).
# The base is built the same way first: the "before" of every file.
# Writes build/results/bisect.tap.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

main=$TREE
wt=$BUILD/bisect
res=$BUILD/results/bisect.tap
mkdir -p "$BUILD/results" "$BUILD/logs"
: > "$res"

[ -e "$main/.git" ] || die "no scratch tree: run make tree"
[ -x "$SPARSE" ] || die "no $SPARSE: run scripts/deps.sh"
if [ ! -e "$wt/.git" ]; then
	git -C "$main" worktree prune
	git -C "$main" worktree add -q --detach "$wt" "$BASE_TAG"
fi
TREE=$wt
kst=$wt/out/kselftest/kvm
kdir=$wt/tools/testing/selftests/kvm
export SPARSE LINT_DIR=$wt/out/.lint LINT_SRC=$wt

mapfile -t commits < <(git -C "$main" rev-list --reverse "$BASE_TAG..series")
mapfile -t series_files < <(git -C "$main" diff --name-only "$BASE_TAG" series)
# kernel_files A B: the files A..B changes outside tools/ and Documentation/.
kernel_files() {
	git -C "$main" diff --name-only "$1" "$2" | grep -Ev '^(tools|Documentation)/' || [ $? = 1 ]
}

# Seed the output directory with the main build's, when that was built from
# the top of the series (a clean scratch tree at "series"); its files are
# then made older than the sources checked out after it, so that kbuild
# rebuilds exactly what depends on a file that differs from the top.
# Otherwise the base is built in full.
seeded=0
: > "$BUILD/logs/bisect-0000.log"
rm -rf "$wt/out"
git -C "$wt" checkout -q --detach series
if [ "$(git -C "$main" rev-parse HEAD)" = "$(git -C "$main" rev-parse series)" ] &&
   [ -z "$(git -C "$main" status --porcelain --untracked-files=no)" ] &&
   [ -f "$main/out/vmlinux" ] && [ -f "$main/out/Module.symvers" ]; then
	log "bisect: kbuild output seeded from ${main#"$TOP"/}/out"
	mkdir -p "$wt/out"
	tar -C "$main/out" --exclude=./kselftest --exclude=./.lint -cf - . | tar -C "$wt/out" -xf -
	sleep 1
	find "$wt/out" -exec touch -h -d "@$(date +%s)" {} +
	sleep 1
	seeded=1
fi
git -C "$wt" checkout -q --detach "$BASE_TAG"
if [ $seeded = 0 ]; then
	log "bisect: building the base in full (the scratch tree is not the clean top of the series)"
	"$TOP/scripts/build-kernel.sh" >> "$BUILD/logs/bisect-0000.log" 2>&1 ||
		{ tail -n 30 "$BUILD/logs/bisect-0000.log"; die "the base does not build"; }
fi

# The x86 test programs of the selftests' Makefile.
x86_progs() {
	sed -n -E 's/^TEST_GEN_PROGS_(COMMON|x86) *\+?= *([^ $]+) *$/\2/p' "$kdir/Makefile.kvm" | sort -u
}

# The selftest programs commit $1 has to build: those it changes, those
# that include a header it changes (through other headers too), and, when it
# changes the library's sources, the programs of the plans.
selftest_progs() {
	local -a changed hdrs=() more
	local f n
	mapfile -t changed < <(git -C "$wt" diff --name-only "$1^" "$1" -- tools/testing/selftests/kvm |
		sed 's|^tools/testing/selftests/kvm/||')
	{
		for f in "${changed[@]}"; do
			case "$f" in
			lib/*) ;;
			*.c) echo "${f%.c}" ;;
			esac
		done
		for f in "${changed[@]}"; do
			# Included by their name within include/ or include/x86/.
			case "$f" in include/*.h) f=${f#include/}; hdrs+=("${f#x86/}") ;; esac
		done
		# Headers that include a changed header, until there are no more.
		while [ ${#hdrs[@]} -gt 0 ]; do
			n=${#hdrs[@]}
			mapfile -t more < <(cd "$kdir/include" &&
				grep -rlF -e "${hdrs[@]/#/#include \"}" --include='*.h' . |
				sed -e 's|^\./||' -e 's|^x86/||' || [ $? = 1 ])
			mapfile -t hdrs < <(printf '%s\n' "${hdrs[@]}" "${more[@]}" | sort -u)
			[ ${#hdrs[@]} -gt "$n" ] || break
		done
		if [ ${#hdrs[@]} -gt 0 ]; then
			(cd "$kdir" && grep -lF -e "${hdrs[@]/#/#include \"}" -- *.c x86/*.c || [ $? = 1 ]) |
				sed 's|\.c$||'
		fi
		if printf '%s\n' "${changed[@]}" | grep -q '^lib/'; then
			"$TOP/scripts/plan-programs.sh"
		fi
	} | sort -u | grep -xFf <(x86_progs) || [ $? = 1 ]   # no program is a valid answer
}

# Check a kernel commit whose changed files are the arguments.
kernel_build() {
	local f
	local -a changed=("$@") objs=() pats=() deps
	local prep=0
	kmake -s headers_install
	if printf '%s\n' "${changed[@]}" |
		grep -Evq '^(arch/x86/kvm/|virt/kvm/|include/|arch/x86/include/)'; then
		kmake -s bzImage modules
	else
		for f in "${changed[@]}"; do pats+=(-e "../$f "); done
		# The targets outside KVM that depend on a changed file: objects
		# are rebuilt one by one, anything else by "prepare".
		mapfile -t deps < <(grep -rlF --include='.*.cmd' "${pats[@]}" "$wt/out" |
			sed "s|^$wt/out/|./|" | grep -Ev '^\./(arch/x86/kvm|virt/kvm|kselftest|usr)/' ||
			[ $? = 1 ])
		for f in "${deps[@]}"; do
			case "$f" in
			*/.*.o.cmd) f=${f#./}; objs+=("$(dirname "$f")/$(basename "$f" .cmd | sed 's/^\.//')") ;;
			*) prep=1 ;;
			esac
		done
		[ $prep = 0 ] || kmake -s prepare
		[ ${#objs[@]} = 0 ] || kmake -s "${objs[@]}"
	fi
	kmake -s W=1 C=1 CHECK="$TOP/scripts/sparse-record.sh" M=arch/x86/kvm
}

# new_findings STAMP SNAPSHOT NEW: writes to NEW the sparse findings of the
# files checked since STAMP that their previous check (in SNAPSHOT) did not
# have; prints the number of those files and of their findings.
new_findings() {
	local rec rel checked=0 findings=0
	: > "$3"
	while IFS= read -r -d '' rec; do
		checked=$((checked + 1))
		findings=$((findings + $(wc -l < "$rec")))
		rel=${rec#"$LINT_DIR"/}
		if [ -f "$2/$rel" ]; then
			comm -13 "$2/$rel" "$rec" >> "$3"
		else
			cat "$rec" >> "$3"   # a file checked for the first time: all new
		fi
	done < <(find "$LINT_DIR" -name '*.txt' -newer "$1" -print0)
	echo "$checked $findings"
}

log "bisect 0000: the base"
stamp=$BUILD/logs/bisect.stamp
touch "$stamp"
mapfile -t kfiles < <(kernel_files "$BASE_TAG" series)
kernel_build "${kfiles[@]}" >> "$BUILD/logs/bisect-0000.log" 2>&1 ||
	{ tail -n 30 "$BUILD/logs/bisect-0000.log"; die "the base does not build"; }
# kbuild skips a checker it finds too old with only a warning: then nothing
# would be recorded and every "none new" below would hold vacuously.
checker_skipped() {
	grep -q 'specified, but .* is not available or not up to date' "$1"
}
if checker_skipped "$BUILD/logs/bisect-0000.log" ||
   [ -z "$(find "$LINT_DIR" -name '*.txt' -newer "$stamp" 2>/dev/null)" ]; then
	die "sparse checked no file of the base (see build/logs/bisect-0000.log)"
fi

rc=0
n=0
snap=$(mktemp -d)
trap 'rm -rf "$snap" "$snap.new"' EXIT
for c in "${commits[@]}"; do
	n=$((n + 1))
	subj=$(git -C "$main" log -1 --format=%s "$c")
	label=$(printf '%04d' $n)
	blog=$BUILD/logs/bisect-$label.log
	log "bisect $label: $subj"
	git -C "$wt" checkout -q --detach "$c"
	mapfile -t kfiles < <(kernel_files "$c^" "$c")
	mapfile -t progs < <(selftest_progs "$c")
	what=()
	ok=1
	: > "$blog"
	if [ ${#kfiles[@]} -gt 0 ]; then
		what+=("KVM modules, W=1")
		rm -rf "$snap"
		mkdir -p "$snap" "$LINT_DIR"
		cp -a "$LINT_DIR/." "$snap/"
		touch "$stamp"
		kernel_build "${kfiles[@]}" >> "$blog" 2>&1 || ok=0
		! checker_skipped "$blog" || ok=0
	fi
	if [ ${#progs[@]} -gt 0 ] && [ $ok = 1 ]; then
		what+=("selftests: ${progs[*]}")
		rm -rf "$kst"
		mkdir -p "$kst"
		make -C "$kdir" -j"$JOBS" -s CC="ccache gcc" \
			OUTPUT="$kst" KHDR_INCLUDES="-isystem $wt/out/usr/include" \
			EXTRA_CFLAGS=-static LDFLAGS=-static "${progs[@]/#/$kst/}" >> "$blog" 2>&1 || ok=0
		# No compiler warning in a selftest file of the series.
		if grep -E '^[^ :]+:[0-9]+:[0-9]+: warning: ' "$blog" |
			grep -Ff <(printf '%s\n' "${series_files[@]}" | sed -n 's|^tools/testing/selftests/kvm/||p'); then
			ok=0
		fi
	fi
	[ ${#what[@]} -gt 0 ] || what=("documentation only: the docs step builds it")
	if [ $ok = 1 ]; then
		echo "ok build:$label $subj # $(IFS=';'; echo "${what[*]}")" | tee -a "$res"
	else
		echo "not ok build:$label $subj # see build/logs/bisect-$label.log" | tee -a "$res"
		tail -n 30 "$blog"
		rc=1
	fi

	if [ ${#kfiles[@]} -gt 0 ]; then
		read -r checked findings < <(new_findings "$stamp" "$snap" "$snap.new")
		if [ ! -s "$snap.new" ]; then
			echo "ok lint:$label sparse on the $checked files it recompiled, $findings findings, none new" | tee -a "$res"
		else
			echo "not ok lint:$label new sparse findings (files recompiled: $checked)" | tee -a "$res"
			cat "$snap.new"
			rc=1
		fi
	fi
done
exit $rc
