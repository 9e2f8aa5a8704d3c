# The emulated arm64 test machine (tests/aarch64/run-vm, docs/aarch64.md): `make test-aarch64`
# (or `make ARCH=aarch64 test`) installs what it needs, cross-builds build-aarch64/ and runs
# tests/aarch64/tests.list inside qemu-system-aarch64 (TCG), ending with the summary line.
# VM_TIMEOUT bounds the machine's run (seconds).
VM_TIMEOUT ?= 900

test-aarch64:
	$(MAKE) --no-print-directory ARCH=aarch64 test

# The steps for ARCH=aarch64 (Makefile: test → test-vm).
test-vm: deps
	$(MAKE) -j$(JOBS) all
	VM_TIMEOUT=$(VM_TIMEOUT) bash tests/aarch64/run-vm $(BUILD)
