#!/usr/bin/env bash
# List the selftest programs (paths relative to the kvm selftests directory)
# that guest/plans/*.plan run, one per line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cat "$TOP"/guest/plans/*.plan | sed -e 's/#.*//' | awk 'NF >= 3 { print $3 }' | sort -u
