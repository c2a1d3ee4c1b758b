# The one place where the base kernel is pinned.  scripts/tree.sh falls back to
# the newest linux-source-6.12 (with a loud warning) only when this exact
# version can no longer be installed.
BASE_PKG     := linux-source-6.12
BASE_VERSION := 6.12.117-1~deb12u1
