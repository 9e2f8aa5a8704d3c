# ukmon build. `make` builds the monitor library, the guest library, ukbake, the examples
# and the test guests; `make test` runs every test; `make bench` the benchmarks.
# SANITIZE=1 builds the monitor with ASan/UBSan (baked executables are then dynamic).

# ARCH=x86_64 (default) or aarch64 (cross-built into build-aarch64/): mk/arch.mk.
include mk/arch.mk
SANITIZE ?= 0
JOBS ?= 2

.SECONDEXPANSION:

WARN := -Wall -Wextra -Werror
CXXFLAGS_BASE := -std=c++20 -O2 -g $(WARN) -fPIE -I. -Iguest-abi/include -I$(BUILD)/gen
LDLIBS_MONITOR := -lseccomp -lelf -lz

ifeq ($(SANITIZE),1)
  SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
         -DUKMON_SANITIZE=1
  LINK_MODE := -pie
else
  SAN :=
  LINK_MODE := -static-pie
endif
# Each function and datum in its own section, and the link drops what no one reaches: a baked
# executable carries only the personality and backend code its run can use (≤ 1.5 MiB).
CXXFLAGS := $(CXXFLAGS_BASE) $(SAN) -ffunction-sections -fdata-sections
LDFLAGS_MONITOR := $(LINK_MODE) $(SAN) -Wl,--gc-sections

# ---- guest side: newlib, static, non-PIE, linked at 1 MiB (mk/guest-runtime.mk) ----------
include mk/guest-runtime.mk
include mk/lwip.mk
GUEST_INC := -isystem $(shell $(GUEST_CC) -print-file-name=include) -isystem $(NEWLIB_INC) $(NEWLIB_DEFS) -Iguest-abi/include \
             -Iguest-abi/arch/$(ARCH)
GUEST_FLAGS := -O2 -g $(WARN) -nostdinc $(GUEST_INC) -fno-pie \
               -fno-stack-protector $(ARCH_GUEST_FLAGS) -ffunction-sections -fdata-sections
GUEST_CFLAGS := -std=c11 $(GUEST_FLAGS)
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,guest-abi/guest.ld -Wl,--build-id=none \
                 -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--gc-sections -Wl,--eh-frame-hdr \
                 -Wl,--compress-debug-sections=zlib

GUESTLIB_SRCS := $(wildcard guest-abi/lib/*.c)
GUESTLIB_ARCH_SRCS := $(wildcard guest-abi/arch/$(ARCH)/*.c)
GUESTLIB_OBJS := $(patsubst guest-abi/lib/%.c,$(BUILD)/guest/%.o,$(GUESTLIB_SRCS)) \
                 $(patsubst guest-abi/arch/$(ARCH)/%.c,$(BUILD)/guest/arch/%.o,$(GUESTLIB_ARCH_SRCS))
GUEST_CRT0 := $(BUILD)/guest/crt0.o
GUESTLIB := $(BUILD)/guest/libukguest.a

# ---- monitor side ---------------------------------------------------------------------
# The core (monitor/, its sandbox/ layer and its personalities under abi/), the specifics of
# the architecture (arch/$(ARCH)/), the seccomp backend and what mk/arch.mk adds (kvm).
MONITOR_DIRS := monitor monitor/sandbox $(wildcard monitor/abi/*) arch/$(ARCH) backends \
                backends/seccomp $(ARCH_MONITOR_DIRS)
MONITOR_SRCS := $(filter-out monitor/main.cpp monitor/embedded_guest.cpp,$(foreach d,$(MONITOR_DIRS),$(wildcard $(d)/*.cpp)))
MONITOR_ASM := $(foreach d,$(MONITOR_DIRS),$(wildcard $(d)/*.S))
MONITOR_OBJS := $(patsubst %.cpp,$(BUILD)/obj/%.o,$(MONITOR_SRCS)) \
                $(patsubst %.S,$(BUILD)/obj/%.o,$(MONITOR_ASM)) \
                $(BUILD)/obj/gen/syscall_names.o
LIBUKMON := $(BUILD)/lib/libukmon.a
MAIN_OBJS := $(BUILD)/lib/main.o $(BUILD)/lib/embedded_guest.o

MODULES := $(sort $(patsubst modules/%/,%,$(dir $(wildcard modules/*/*.cpp))))
MODULE_OBJS := $(foreach m,$(MODULES),$(BUILD)/lib/modules/$(m).o)

INSPECT := $(BUILD)/bin/ukmon-inspect
UKBAKE := $(BUILD)/bin/ukbake
# The direct runner (a drop-in for Solo5's tenders): every module linked, the guest a file.
UKMON_RUN := $(BUILD)/ukmon-run

# ---- examples and test guests -----------------------------------------------------------
EXAMPLES := $(filter-out $(ARCH_SKIP_EXAMPLES),$(notdir $(wildcard examples/*)))
EXAMPLE_APPS := $(addprefix $(BUILD)/,$(EXAMPLES))
TEST_GUEST_SRCS := $(filter-out $(addprefix tests/guests/,$(ARCH_SKIP_TEST_GUESTS)),$(wildcard tests/guests/*.c tests/guests/*.cpp))
TEST_GUESTS := $(patsubst tests/guests/%,$(BUILD)/tests/guests/%.elf,$(basename $(TEST_GUEST_SRCS)))
TEST_APPS := $(patsubst tests/guests/%,$(BUILD)/tests/bin/%,$(basename $(TEST_GUEST_SRCS)))

# Solo5-ABI test guests (tests/solo5/): each guests/NAME.c is built for spt (NAME.spt) and hvt
# (NAME.hvt) with our own little Solo5 API (tests/solo5/lib); spt_* only for spt, hvt_* only
# for hvt. Baked ones: tests/solo5/bin/NAME-spt (devices64 is refused at bake time).
SOLO5_NAMES := $(patsubst tests/solo5/guests/%.c,%,$(wildcard tests/solo5/guests/*.c))
SOLO5_SPT_NAMES := $(filter-out hvt_%,$(SOLO5_NAMES))
SOLO5_SPT := $(patsubst %,$(BUILD)/tests/solo5/%.spt,$(SOLO5_SPT_NAMES))
SOLO5_SPT_BAKED := $(patsubst %,$(BUILD)/tests/solo5/bin/%-spt,$(filter-out devices64,$(SOLO5_SPT_NAMES)))
SOLO5_HVT_NAMES := $(filter-out spt_%,$(SOLO5_NAMES))
SOLO5_HVT := $(patsubst %,$(BUILD)/tests/solo5/%.hvt,$(SOLO5_HVT_NAMES))
SOLO5_HVT_BAKED := $(patsubst %,$(BUILD)/tests/solo5/bin/%-hvt,$(filter-out devices64,$(SOLO5_HVT_NAMES)))
# Our Solo5-ABI test guests are freestanding C with no C library of their own (as Solo5's).
SOLO5_CFLAGS := -std=c11 -O2 -g $(WARN) -ffreestanding -nostdinc -isystem $(shell $(GUEST_CC) -print-file-name=include) \
                -isystem $(NEWLIB_INC) -Iguest-abi/include -fno-pie -fno-stack-protector -fcf-protection=none \
                -Itests/solo5/lib -mno-red-zone  # newlib's headers only (examples/ping/net_util.h), no libc
SOLO5_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,tests/solo5/solo5.ld -Wl,--build-id=none \
                 -Wl,-z,noexecstack -Wl,-z,max-page-size=4096

UNIT_SRCS := $(filter-out $(ARCH_SKIP_UNIT),$(wildcard tests/unit/*.cpp))
UNIT_BIN := $(BUILD)/tests/unit_tests
INTEGRATION_SRCS := $(wildcard tests/integration/*.cpp)
INTEGRATION_BIN := $(BUILD)/tests/integration_tests
FUZZ_REPLAY_BIN := $(BUILD)/tests/fuzz_replay
# aarch64 only: the kvm backend's tables, gate and vectors on a real /dev/kvm with raw EL0
# guests, without the rest of the monitor (tests/aarch64/); the emulated machine runs it.
KVM_RAW_TEST := $(if $(filter aarch64,$(ARCH)),$(BUILD)/tests/aarch64_kvm_tests)

.PHONY: all deps test demo bench clean fuzz test-long test-vm test-aarch64
# Keep object files that only feed `ld -r` or a link (make would delete them as intermediate).
.SECONDARY:
all: $(LIBUKMON) $(MAIN_OBJS) $(MODULE_OBJS) $(GUESTLIB) $(GUEST_CRT0) $(UKBAKE) $(INSPECT) \
     $(EXAMPLE_APPS) $(TEST_APPS) $(UNIT_BIN) $(INTEGRATION_BIN) $(FUZZ_REPLAY_BIN) \
     $(UKMON_RUN) $(if $(filter 1,$(ARCH_HAS_SOLO5)),$(SOLO5_SPT) $(SOLO5_SPT_BAKED) $(SOLO5_HVT) $(SOLO5_HVT_BAKED)) \
     $(KVM_RAW_TEST)

deps:
	@ARCH=$(ARCH) bash tools/setup-deps

# Generated syscall-name table of the target (from the build machine's libseccomp, which
# knows every architecture's numbers).
$(BUILD)/gen/syscall_names.cpp: tools/gen_syscall_names.cpp
	@mkdir -p $(@D)
	$(HOST_CXX) -std=c++20 $(WARN) -o $(BUILD)/gen/gen_syscall_names $< -lseccomp
	$(BUILD)/gen/gen_syscall_names $(ARCH) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/syscall_names.o: $(BUILD)/gen/syscall_names.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(LIBUKMON): $(MONITOR_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^
	echo '$(LDFLAGS_MONITOR)' > $(BUILD)/lib/ldflags
	echo '$(CXX)' > $(BUILD)/lib/cxx
	echo '$(ARCH)' > $(BUILD)/lib/arch

$(MAIN_OBJS): $(BUILD)/lib/%.o: $(BUILD)/obj/monitor/%.o
	@mkdir -p $(@D)
	cp $< $@

# One relocatable object per module, so ukbake links exactly the modules a guest declares.
$(BUILD)/lib/modules/%.o: $$(addprefix $(BUILD)/obj/,$$(subst .cpp,.o,$$(wildcard modules/$$*/*.cpp)))
	@mkdir -p $(@D)
	$(LD) -r -o $@ $^

# ---- guest library --------------------------------------------------------------------
$(BUILD)/guest/%.o: guest-abi/lib/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/arch/%.o: guest-abi/arch/$(ARCH)/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_CRT0): guest-abi/arch/$(ARCH)/crt0.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUESTLIB): $(GUESTLIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

# Links a guest: $(call link-guest,OUT,OBJS)
define link-guest
	@mkdir -p $(dir $(1))
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $(1) $(GUEST_CRT0) $(2) \
	    -Wl,--start-group $(GUESTLIB) $(GUESTNET_LIBS) $(GUEST_RT_LIBS) -lgcc -lgcc_eh -Wl,--end-group
endef

# ---- tools ----------------------------------------------------------------------------
# ukbake runs ukmon-inspect while it bakes, on the build machine: a cross build gets one
# built for the build machine (in BUILD/host, an x86_64 build tree of the monitor library),
# which reads a guest of the target's machine (ukmon-inspect --machine).
ifeq ($(CROSS),)
$(INSPECT): $(BUILD)/obj/tools/ukmon_inspect.o $(LIBUKMON)
	@mkdir -p $(@D)
	$(CXX) $(SAN) -o $@ $^ $(LDLIBS_MONITOR)
else
$(INSPECT): FORCE
	$(MAKE) --no-print-directory ARCH=x86_64 BUILD=$(BUILD)/host CXX=$(HOST_CXX) CC=gcc AR=ar LD=ld \
	    GUEST_CC=gcc GUEST_CXX=g++ OBJCOPY=objcopy OBJDUMP=objdump $(BUILD)/host/bin/ukmon-inspect
	@mkdir -p $(@D)
	cmp -s $(BUILD)/host/bin/ukmon-inspect $@ || cp $(BUILD)/host/bin/ukmon-inspect $@
endif

$(UKBAKE): tools/ukbake
	@mkdir -p $(@D)
	cp $< $@ && chmod +x $@

BAKE_DEPS := $(UKBAKE) $(INSPECT) $(LIBUKMON) $(MAIN_OBJS) $(MODULE_OBJS)

$(UKMON_RUN): $(BUILD)/obj/tools/ukmon_run.o $(MODULE_OBJS) $(LIBUKMON)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS_MONITOR) -o $@ $^ $(LDLIBS_MONITOR)

# ---- Solo5-ABI test guests ---------------------------------------------------------------
# $(call solo5-target,spt|hvt,SPT|HVT): objects, images and baked executables of a target.
define solo5-target
$(BUILD)/solo5-obj/$(1)/%.o: tests/solo5/guests/%.c tests/solo5/lib/solo5_guest.h guest-abi/include/solo5/abi.h | $(NEWLIB_STAMP)
	@mkdir -p $$(@D)
	$(GUEST_CC) $(SOLO5_CFLAGS) -DSOLO5_TEST_TARGET=SOLO5_TARGET_$(2) -c $$< -o $$@

$(BUILD)/solo5-obj/$(1)-lib/%.o: tests/solo5/lib/%.c tests/solo5/lib/solo5_guest.h guest-abi/include/solo5/abi.h
	@mkdir -p $$(@D)
	$(GUEST_CC) $(SOLO5_CFLAGS) -DSOLO5_TEST_TARGET=SOLO5_TARGET_$(2) -c $$< -o $$@

$(BUILD)/tests/solo5/%.$(1): $(BUILD)/solo5-obj/$(1)/%.o $(BUILD)/solo5-obj/$(1)-lib/$(1).o $(BUILD)/solo5-obj/$(1)-lib/common.o tests/solo5/solo5.ld
	@mkdir -p $$(@D)
	$(GUEST_CC) $(SOLO5_LDFLAGS) -o $$@ $$(filter %.o,$$^) -lgcc

$(BUILD)/tests/solo5/bin/%-$(1): $(BUILD)/tests/solo5/%.$(1) $(BAKE_DEPS)
	@mkdir -p $$(@D)
	$(UKBAKE) $$< -o $$@
endef
$(eval $(call solo5-target,spt,SPT))
$(eval $(call solo5-target,hvt,HVT))

# ---- examples: examples/NAME/*.c -> build/examples/NAME.elf -> build/NAME ---------------
$(BUILD)/examples/%.elf: $$(addprefix $(BUILD)/guest-obj/,$$(addsuffix .o,$$(basename $$(wildcard examples/$$*/*.c examples/$$*/*.cpp)))) \
                         $(GUESTLIB) $(GUESTNET_LIBS) $(GUEST_CRT0) $(GUEST_RT_DEPS) guest-abi/guest.ld
	$(call link-guest,$@,$(filter $(BUILD)/guest-obj/%,$^))

# lwIP's headers (LWIP_INC) for every example: the network ones use them.
$(BUILD)/guest-obj/%.o: %.c | $(NEWLIB_STAMP) $(LWIP_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(LWIP_INC) -MMD -MP -c $< -o $@

$(EXAMPLE_APPS): $(BUILD)/%: $(BUILD)/examples/%.elf $(BAKE_DEPS)
	$(UKBAKE) $< -o $@

# ---- test guests: tests/guests/NAME.c -> build/tests/bin/NAME ------------------------------
$(BUILD)/tests/guests/%.elf: $(BUILD)/guest-obj/tests/guests/%.o $(GUESTLIB) $(GUEST_CRT0) $(GUEST_RT_DEPS) guest-abi/guest.ld
	$(call link-guest,$@,$<)

# hostile_symbol: a function name with a newline, a forged line and an escape sequence
# (docs/security.md): the guest ELF's symbols are hostile text for every diagnosis.
$(BUILD)/tests/guests/hostile_symbol.elf: $(BUILD)/guest-obj/tests/guests/hostile_symbol.o $(GUESTLIB) $(GUEST_CRT0)
	$(call link-guest,$@.tmp,$<)
	$(OBJCOPY) --redefine-sym "evil_name=$$(printf 'evil\nukmon: forged line \033[31mred')" $@.tmp $@
	rm -f $@.tmp

# A hostile test guest's raw system calls, breakpoints and privileged instructions.
$(BUILD)/guest-obj/tests/guests/%.o: GUEST_CFLAGS += -Itests/guests/arch/$(ARCH)

$(TEST_APPS): $(BUILD)/tests/bin/%: $(BUILD)/tests/guests/%.elf $(BAKE_DEPS)
	@mkdir -p $(@D)
	$(UKBAKE) $< -o $@

# ---- tests ----------------------------------------------------------------------------
# The rings' threads and I/O helpers are unit-tested without the module (no registration).
UNIT_MODULE_OBJS := $(BUILD)/obj/modules/blk/blk_ring.o $(BUILD)/obj/modules/blk/blk_io.o \
                    $(BUILD)/obj/modules/net/net_ring.o $(BUILD)/obj/modules/net/net_calls.o \
                    $(BUILD)/obj/modules/net/frame_io.o
# The aarch64 kvm pieces that need no Arm host (tables, vectors, gate, fault names, exit
# decoding) are unit-tested in every build, x86_64 included.
A64_PURE_OBJS := $(filter-out $(MONITOR_OBJS),$(patsubst %.cpp,$(BUILD)/obj/%.o,arch/aarch64/el0_layout.cpp \
                 arch/aarch64/guest_code.cpp arch/aarch64/exception_syndrome.cpp arch/aarch64/faults.cpp \
                 arch/aarch64/kvm_exit.cpp))
$(UNIT_BIN): $(patsubst %.cpp,$(BUILD)/obj/%.o,$(UNIT_SRCS)) $(UNIT_MODULE_OBJS) $(A64_PURE_OBJS) $(LIBUKMON)
	@mkdir -p $(@D)
	$(CXX) $(SAN) $(TEST_LDFLAGS) -o $@ $^ $(LDLIBS_MONITOR)

$(INTEGRATION_BIN): $(patsubst %.cpp,$(BUILD)/obj/%.o,$(INTEGRATION_SRCS))
	@mkdir -p $(@D)
	$(CXX) $(SAN) $(TEST_LDFLAGS) -o $@ $^

# (KVM_RAW_TEST: with the test binaries above.)
$(BUILD)/tests/aarch64_kvm_tests: $(BUILD)/obj/tests/aarch64/kvm_raw_test.o $(BUILD)/obj/tests/aarch64/kvm_raw_guests.o $(LIBUKMON)
	@mkdir -p $(@D)
	$(CXX) $(SAN) $(TEST_LDFLAGS) -o $@ $^ $(LDLIBS_MONITOR)

# ---- fuzzing (docs/security.md) ---------------------------------------------------------------
# tests/fuzz/NAME_fuzz.cpp is one target. `make fuzz` builds each with clang and libFuzzer into
# $(BUILD)/fuzz/NAME; `make test-long` runs each for FUZZ_SECONDS; `make test` replays the kept
# corpus (tests/fuzz/corpus/NAME/) through the same code in the normal build (fuzz_replay).
FUZZ_CXX ?= clang++
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/%_fuzz.cpp,%,$(wildcard tests/fuzz/*_fuzz.cpp))
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CXXFLAGS := -std=c++20 -O1 -g -Wall -Wextra -I. -Iguest-abi/include -DUKMON_LIBFUZZER=1 \
                 -fsanitize=fuzzer-no-link $(FUZZ_SAN)
# The monitor code the targets reach, compiled again with coverage instrumentation.
FUZZ_LIB_SRCS := $(sort monitor/guest_image.cpp monitor/cli.cpp monitor/printable.cpp monitor/devices.cpp \
                 monitor/error.cpp monitor/guest_memory.cpp monitor/guest_access.cpp monitor/guest_rights.cpp \
                 monitor/dispatcher.cpp monitor/personality.cpp monitor/segment_loader.cpp \
                 $(wildcard monitor/abi/*/*.cpp) monitor/sandbox/syscall_policy.cpp monitor/stats.cpp \
                 monitor/guest_process_report.cpp arch/x86_64/long_mode.cpp arch/x86_64/thread_pointer.cpp monitor/sandbox/filter.cpp \
                 $(BUILD)/gen/syscall_names.cpp $(wildcard modules/*/*.cpp))
FUZZ_LIB_OBJS := $(patsubst %.cpp,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIB_SRCS)) $(BUILD)/fuzz/obj/arch/x86_64/guest_stubs.o

$(BUILD)/fuzz/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/obj/%.o: %.S
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -c $< -o $@

$(FUZZ_BINS): $(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%_fuzz.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CXX) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS_MONITOR)

$(FUZZ_REPLAY_BIN): $(patsubst %.cpp,$(BUILD)/obj/%.o,$(filter-out $(ARCH_SKIP_FUZZ),$(wildcard tests/fuzz/*.cpp))) $(MODULE_OBJS) $(LIBUKMON)
	@mkdir -p $(@D)
	$(CXX) $(SAN) $(TEST_LDFLAGS) -o $@ $^ $(LDLIBS_MONITOR)

fuzz: deps
	$(MAKE) -j$(JOBS) $(FUZZ_BINS)

test-long: fuzz
	bash tests/fuzz/run-fuzzers $(BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The main job: bake hello and run it (kvm when /dev/kvm opens, else seccomp).
demo: deps
	$(MAKE) -j$(JOBS) $(BUILD)/hello
	$(BUILD)/hello --verbose -- --status=0

# ARCH=aarch64: the tests run in an emulated arm64 machine (mk/vm-aarch64.mk).
ifeq ($(ARCH),x86_64)
test: deps
	$(MAKE) -j$(JOBS) all
	bash tests/run-all $(BUILD)
else
test: test-vm
endif

# The benchmarks build only what they run (hello, the bench guests, libukmon.a for the kvm
# baseline); see docs/performance.md.
bench: deps
	JOBS=$(JOBS) bash tools/bench $(BUILD)

clean:
	rm -rf $(BUILD)

# Fragments: OCI images, install and packages (one job each); guest-runtime.mk and lwip.mk are
# read above.
include $(filter-out mk/arch.mk mk/guest-runtime.mk mk/lwip.mk,$(wildcard mk/*.mk))

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
