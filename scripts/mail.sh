#!/usr/bin/env bash
# make mail: what "git send-email" would send for patches/, without sending
# anything (--dry-run).  To: the maintainers, Cc: the reviewers and lists, as
# scripts/get_maintainer.pl of the scratch tree finds them for the whole
# series, the same for every mail (the cover letter included), as is usual
# for KVM series.  Prints the headers of every mail.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -e "$TREE/.git" ] || die "no scratch tree: run make tree"
mapfile -t patches < <(find "$TOP/patches" -maxdepth 1 -name '0*.patch' | sort)
[ ${#patches[@]} -gt 1 ] || die "no patches in patches/"
"$TOP/scripts/series-check.sh" ||
	die "build/linux differs from patches/: make export first"

gm() {
	(cd "$TREE" && scripts/get_maintainer.pl --no-rolestats --no-git \
		--no-git-fallback --no-tree "$@" "${patches[@]:1}")
}
mapfile -t to < <(gm --m --no-r --no-l --no-s)
mapfile -t cc < <(gm --no-m --r --l --no-s)
[ ${#to[@]} -gt 0 ] || die "get_maintainer.pl found no maintainer"

log "get_maintainer.pl: To: ${to[*]}"
log "get_maintainer.pl: Cc: ${cc[*]}"
# --thread --no-chain-reply-to: every patch replies to the cover letter.
args=(--dry-run --confirm=never --8bit-encoding=UTF-8 --thread
      --no-chain-reply-to --suppress-cc=all)
for a in "${to[@]}"; do args+=(--to="$a"); done
for a in "${cc[@]}"; do args+=(--cc="$a"); done

# From: the series' author, as in the patches and the cover letter; no git
# identity or personal configuration of the user is read (the output is the
# same on every machine).
author=$(series_author)
name=${author%%$'\n'*}
email=${author#*$'\n'}
out=$(cd "$TREE" && GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
	GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
	GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
	git send-email --from="$name <$email>" "${args[@]}" "${patches[@]}" 2>&1) || {
	printf '%s\n' "$out"
	die "git send-email --dry-run failed"
}
printf '%s\n' "$out" | awk '
	/^(Subject|From|To|Cc|In-Reply-To|References):/ { h = 1; print; next }
	h && /^[ \t]/ { print; next }
	{ h = 0 }'
n=$(printf '%s\n' "$out" | grep -c '^Dry-OK' || [ $? = 1 ])
log "$n of ${#patches[@]} mails would be sent (none was)"
[ "$n" = ${#patches[@]} ]
