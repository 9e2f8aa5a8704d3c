# The target architecture: ARCH=x86_64 (the default, native) or ARCH=aarch64 (cross-built with
# Debian's aarch64-linux-gnu toolchain and arm64 multiarch libraries; tested in an emulated
# arm64 machine, mk/vm-aarch64.mk). Read first by the Makefile: it picks the build tree, the
# tools, the arch/ folder and what an architecture leaves out. See docs/architecture.md
# ("aarch64").
ARCH ?= x86_64

ifeq ($(ARCH),x86_64)
  BUILD ?= build
  CROSS :=
  ELF_MACHINE := x86_64
  # The guest C runtime's target triple (newlib) and the host's libstdc++ target headers.
  NEWLIB_TARGET := x86_64-elf
  CXX_TARGET_INC_DIR = /usr/include/x86_64-linux-gnu/c++/$(GCC_MAJOR)
  # A host runtime object may not use the thread pointer: FS is not the guest's under seccomp.
  TLS_INSN_PATTERN := %fs:
  # -fcf-protection: x86 only (no CET in a guest: no kernel to back it).
  ARCH_GUEST_FLAGS := -fcf-protection=none
  NEWLIB_ARCH_CFLAGS :=
  # The kvm backend's shared part (its x86_64 class is arch/x86_64/kvm_backend.cpp), the GDB
  # stub (x86_64 registers), and the Solo5 hvt/spt guests.
  ARCH_MONITOR_DIRS := backends/kvm backends/kvm/gdb
  ARCH_HAS_SOLO5 := 1
  ARCH_SKIP_EXAMPLES :=
  ARCH_SKIP_UNIT :=
  ARCH_SKIP_TEST_GUESTS :=
  ARCH_SKIP_FUZZ :=
  TEST_LDFLAGS :=
else ifeq ($(ARCH),aarch64)
  BUILD ?= build-aarch64
  CROSS := aarch64-linux-gnu-
  ELF_MACHINE := aarch64
  NEWLIB_TARGET := aarch64-elf
  CXX_TARGET_INC_DIR = /usr/aarch64-linux-gnu/include/c++/$(GCC_MAJOR)/aarch64-linux-gnu
  # TPIDR_EL0 is the thread pointer (glibc's TLS) the guest must not touch.
  TLS_INSN_PATTERN := tpidr_el0
  # Our own atomics inline (no libgcc helpers to call); newlib's system-call glue named as
  # ours (write, not _write: guest-abi/lib/syscalls.c), as newlib's x86_64-elf has it.
  ARCH_GUEST_FLAGS := -mno-outline-atomics
  NEWLIB_ARCH_CFLAGS := -DMISSING_SYSCALL_NAMES
  # The kvm backend's shared part (opening the VM); its aarch64 class is arch/aarch64/
  # kvm_backend.cpp. No GDB stub yet (it speaks x86_64 registers).
  ARCH_MONITOR_DIRS := backends/kvm
  ARCH_HAS_SOLO5 := 0
  # The benchmarks measure speed, which an emulated machine cannot tell (docs/aarch64.md).
  ARCH_SKIP_EXAMPLES := bench-blk bench-boot bench-cpu bench-hypercall bench-net
  # x86_64 page-table, long-mode and kernel-entry tests (and the fuzz target that builds
  # long-mode tables) test arch/x86_64 only; so does guest RAM's huge-page advice, which
  # follows the x86_64 page tables.
  ARCH_SKIP_UNIT := tests/unit/x86_layout_test.cpp tests/unit/kernel_entry_test.cpp \
                    tests/unit/guest_access_test.cpp tests/unit/gdb_protocol_test.cpp \
                    tests/unit/exit_actions_unit_test.cpp tests/unit/filter_eval_test.cpp \
                    tests/unit/guest_ram_test.cpp
  # Test guests that are x86 by nature: lidt, and the blk and net rings' port-I/O doorbell misuse
  # (hostile_memory's x86 modes are in tests/guests/arch/x86_64/hostile_cpu.h).
  ARCH_SKIP_TEST_GUESTS := lidt.c hostile_ring.c hostile_netring.c
  ARCH_SKIP_FUZZ := tests/fuzz/elf_loader_fuzz.cpp
  # The test programs run in the emulated machine's initramfs, which has no C library.
  TEST_LDFLAGS := -static
else
  $(error ARCH=$(ARCH): ukmon builds for x86_64 (default) or aarch64)
endif

# The tools for the target. A CXX or CC given on the command line or in the environment wins.
ifeq ($(origin CXX),default)
  CXX := $(CROSS)g++
endif
ifeq ($(origin CC),default)
  CC := $(CROSS)gcc
endif
ifeq ($(origin AR),default)
  AR := $(CROSS)ar
endif
ifeq ($(origin LD),default)
  LD := $(CROSS)ld
endif
GUEST_CC ?= $(CROSS)gcc
GUEST_CXX ?= $(CROSS)g++
OBJCOPY ?= $(CROSS)objcopy
OBJDUMP ?= $(CROSS)objdump
# Programs that run during the build (the syscall-name generator, ukbake's manifest reader)
# are built for the build machine.
HOST_CXX ?= g++
