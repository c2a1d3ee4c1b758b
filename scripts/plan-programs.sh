#!/usr/bin/env bash
# List the selftest programs (paths relative to the kvm selftests directory)
# that guest/plans/*.plan run, one per line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for f in "$PLANS"/*.plan; do
	p=${f##*/}
	plan_lines "${p%.plan}"
done | awk '{ print $3 }' | sort -u
