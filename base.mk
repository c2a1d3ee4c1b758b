# The one place where the base kernel is pinned: Debian's linux-source package
# of that version, downloaded from BASE_SUITE by scripts/deps.sh through a
# private apt source list (the suite is never added to the system's sources).
# scripts/deps.sh falls back to the newest BASE_PKG of the suite (with a loud
# warning) only when this exact version can no longer be downloaded.
BASE_PKG     := linux-source-7.3
BASE_VERSION := 7.3.4-1~bpo13+1
BASE_SUITE   := trixie-backports
BASE_MIRROR  := http://deb.debian.org/debian

# sparse for make check's per-patch lint: 7.x kernels refuse sparse 0.6.4
# (Debian 12's and 13's; scripts/checker-valid.sh needs __typeof_unqual__), so
# scripts/deps.sh builds this source package of SPARSE_SUITE into build/sparse
# (same private apt scheme, deb-src; same fallback warning).
SPARSE_VERSION := 0.6.5~rc1-2
SPARSE_SUITE   := sid
