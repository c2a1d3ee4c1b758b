# Direct EPT (kvm.global_tdp) for KVM x86: the RFC series in patches/ and the
# harness that proves it.  See README.md.  Every target sets itself up.

SHELL := /bin/bash
S := scripts

# Settings for the guest runs, passed through the environment.
export GLOBAL_TDP VCPUS MEM HUGEPAGES HUGEPAGES_1G TESTS CMDLINE PLAN FLAVOUR TIMEOUT_SCALE SOAK_N QEMU TCG_THREAD \
	NAME REQUIRE RERUN EMULATOR BOCHS_CPU BOCHS_IPS

.PHONY: all help deps tree export series-check build kernel tests initramfs \
	run check check-intel shell quick-check checkpatch bisect docs mail bench soak distclean-tree clean

all: help

help:
	@echo "make run           build, run the direct_ept_*_test programs with kvm.global_tdp=1 and =0"
	@echo "make check         the full test suite (what CI runs)"
	@echo "make check-intel   the Intel plan under Bochs (kvm_intel, EPT), kvm.global_tdp=1 and =0"
	@echo "make quick-check   guest plan only, on the current scratch tree"
	@echo "make tree          create build/linux from the base + patches/"
	@echo "make export        write build/linux's commits back to patches/"
	@echo "make series-check  fail if build/linux and patches/ disagree"
	@echo "make build         kernel, selftests and initramfs from build/linux"
	@echo "make shell         boot the test kernel with an interactive shell"
	@echo "make docs          make SPHINXDIRS=virt htmldocs, judged on the series' documents"
	@echo "make mail          git send-email --dry-run of patches/ to get_maintainer.pl's list"
	@echo "make bench         demand vs pre-built vs KVM_PRE_FAULT_MEMORY, table+plot in build/bench/"
	@echo "make soak          loop the tests that showed the nested SVM corruption (SOAK_N=40 runs each, both modes)"
	@echo "variables: EMULATOR=qemu|bochs (bochs: Intel CPU with EPT, kvm_intel) GLOBAL_TDP=0|1 VCPUS=N MEM=6G HUGEPAGES=N HUGEPAGES_1G=N TESTS=a,b CMDLINE='...' PLAN=check|run"
	@echo "           FLAVOUR=debug (KASAN/lockdep kernel; build the default one first) TIMEOUT_SCALE=N"
	@echo "           REQUIRE=a,b (these tests must not SKIP) RERUN=0 (no rerun of a failed test) NAME=run-name"

# Every target that needs a Debian package depends on deps (scripts/deps.sh
# installs only what is missing), also when build/linux already exists.
deps:
	$(S)/deps.sh

build/linux/.git/HEAD: | deps
	$(S)/tree.sh

tree: deps build/linux/.git/HEAD

export: tree
	$(S)/export.sh

series-check:
	$(S)/series-check.sh

kernel: deps tree
	$(S)/build-kernel.sh

tests: kernel
	$(S)/build-tests.sh

initramfs: tests
	$(S)/initramfs.sh

build: initramfs

run: build
	$(S)/run.sh

shell: build
	SHELL_MODE=1 $(S)/run-guest.sh

quick-check: build
	$(S)/check.sh --quick

docs: deps tree
	$(S)/docs.sh

mail: deps tree
	$(S)/mail.sh

bench: build
	$(S)/bench.sh

soak: build
	$(S)/soak.sh

check:
	$(S)/check.sh

check-intel: build
	$(S)/check-intel.sh

checkpatch: deps tree
	$(S)/checkpatch.sh

bisect: deps tree
	$(S)/bisect-build.sh

distclean-tree:
	rm -rf build/linux build/bisect

clean:
	rm -rf build
