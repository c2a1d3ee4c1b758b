#!/usr/bin/env bash
# make mail: what "git send-email" would send for patches/, without sending
# anything (--dry-run).  To: the maintainers, Cc: the reviewers and lists, as
# scripts/get_maintainer.pl of the scratch tree finds them for the whole
# series, the same for every mail (the cover letter included), as is usual
# for KVM series.  Prints the headers of every mail.
#
# The checked-in patches carry the repository's identity.  Whoever sends the
# series must be its author and signer (DCO), so real mails are prepared only
# with FROM="Name <address>": make mail FROM=... writes build/mail/, the
# patches with the From: and Signed-off-by: lines of the repository's identity
# replaced by FROM's, dry-runs git send-email on them and prints the command
# that sends them.  Without FROM it is a dry run of patches/ as they are,
# which is what make check runs.
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

# From: the series' author, as in the patches and the cover letter, or FROM;
# no git identity or personal configuration of the user is read (the output
# is the same on every machine).
author=$(series_author)
name=${author%%$'\n'*}
email=${author#*$'\n'}
if [ -n "${FROM:-}" ]; then
	[[ $FROM =~ ^([^\<\>@\"]*[^\<\>@\"\ ])\ \<([^\<\>@\ ]+@[^\<\>@\ ]+\.[^\<\>@\ ]+)\>$ ]] ||
		die "FROM='$FROM' is not \"Name <user@domain>\""
	new_name=${BASH_REMATCH[1]}
	new_email=${BASH_REMATCH[2]}
	maildir=$TOP/build/mail
	rm -rf "$maildir"
	mkdir -p "$maildir"
	for p in "${patches[@]}"; do
		# Only the repository's identity is replaced, never someone else's
		# Signed-off-by:, Reviewed-by: or From:.
		# git format-patch may fold From: before the address.
		awk -v name="$name" -v email="$email" -v new_name="$new_name" \
			-v new="$new_name <$new_email>" '
			BEGIN { hdr = 1 }
			hdr && folded {
				folded = 0
				if ($0 == " <" email ">") { print "From: " new; n++; next }
				print "From: " name
			}
			hdr && $0 == "" { hdr = 0 }
			hdr && $0 == "From: " name { folded = 1; next }
			hdr && $0 == "From: " name " <" email ">" { print "From: " new; n++; next }
			$0 == "Signed-off-by: " name " <" email ">" { print "Signed-off-by: " new; n++; next }
			# The cover letter'"'"'s shortlog.
			index($0, name " (") == 1 && /\([0-9]+\):$/ {
				print new_name substr($0, length(name) + 1); next
			}
			{ print }
			END { if (!n) exit 1 }' "$p" > "$maildir/${p##*/}" ||
			die "${p##*/} has no From: or Signed-off-by: of $name <$email>"
	done
	for p in "${patches[@]:1}"; do
		grep -qxF "Signed-off-by: $new_name <$new_email>" "$maildir/${p##*/}" ||
			die "${p##*/}: no Signed-off-by: $new_name <$new_email> after re-signing"
	done
	patches=("$maildir"/0*.patch)
	name=$new_name
	email=$new_email
	log "re-signed ${#patches[@]} mails as $name <$email> in build/mail/"
fi
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
if [ -n "${FROM:-}" ]; then
	log "to send them: git send-email --from=\"$name <$email>\" with the To:/Cc: above, build/mail/0*.patch"
else
	log "a dry run of the repository's identity; real mails need FROM=\"Name <address>\" (the sender signs)"
fi
