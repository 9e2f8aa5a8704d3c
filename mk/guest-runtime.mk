# The guest runtime: newlib (libc, libm) built once per build tree from Debian's
# newlib-source tarball, the C++ support pieces, and the guest toolchain wrappers
# (build/bin/ukmon-cc, ukmon-c++, build/guest-runtime/pkgconfig/*.pc). See docs/runtime.md.
# Included from the Makefile before its own first rule: `all` stays the default goal.
.DEFAULT_GOAL := all

RT := $(BUILD)/guest-runtime
NEWLIB_TARBALL := $(firstword $(wildcard /usr/src/newlib/newlib-*.tar.*))
NEWLIB_PREFIX := $(RT)/newlib
NEWLIB_INC := $(NEWLIB_PREFIX)/$(NEWLIB_TARGET)/include
NEWLIB_LIBDIR := $(NEWLIB_PREFIX)/$(NEWLIB_TARGET)/lib
NEWLIB_STAMP := $(RT)/newlib.stamp

# Only libc and libm; no multilib, no locks (a guest has one thread), no iconv; the system
# calls are ours (guest-abi/lib/syscalls.c). C99 and long long formats so printf matches
# glibc's. Red zone kept: see docs/runtime.md ("Compiler flags").
NEWLIB_CONFIG := --target=$(NEWLIB_TARGET) --disable-multilib --disable-newlib-supplied-syscalls \
                 --disable-newlib-multithread --enable-newlib-io-c99-formats \
                 --enable-newlib-io-long-long --disable-newlib-iconv --disable-nls
NEWLIB_CFLAGS := $(strip -O2 -g1 -fno-pie -fno-stack-protector $(ARCH_GUEST_FLAGS) $(NEWLIB_ARCH_CFLAGS) \
                 -ffunction-sections -fdata-sections)

# Unpack, configure, build and install into $(NEWLIB_PREFIX); the stamp makes it once.
$(NEWLIB_STAMP):
	@test -n "$(NEWLIB_TARBALL)" || { echo "newlib: /usr/src/newlib/newlib-*.tar.* is missing (make deps installs newlib-source)" >&2; exit 1; }
	rm -rf $(RT)/newlib-src $(RT)/newlib-build $(NEWLIB_PREFIX)
	mkdir -p $(RT)/newlib-src $(RT)/newlib-build
	tar xf $(NEWLIB_TARBALL) -C $(RT)/newlib-src --strip-components=1
	cd $(RT)/newlib-build && ../newlib-src/configure $(NEWLIB_CONFIG) --prefix=$(abspath $(NEWLIB_PREFIX)) \
	    CC_FOR_TARGET=$(GUEST_CC) AR_FOR_TARGET=$(CROSS)ar AS_FOR_TARGET=$(CROSS)as RANLIB_FOR_TARGET=$(CROSS)ranlib \
	    NM_FOR_TARGET=$(CROSS)nm LD_FOR_TARGET=$(CROSS)ld CFLAGS_FOR_TARGET="$(NEWLIB_CFLAGS)" > configure.log 2>&1 \
	    || { tail -20 configure.log; exit 1; }
	$(MAKE) -C $(RT)/newlib-build all-target-newlib > $(RT)/newlib-build/build.log 2>&1 \
	    || { tail -30 $(RT)/newlib-build/build.log; exit 1; }
	$(MAKE) -C $(RT)/newlib-build install-target-newlib > $(RT)/newlib-build/install.log 2>&1 \
	    || { tail -30 $(RT)/newlib-build/install.log; exit 1; }
	@# Targets with newlib's own system-call wrappers (aarch64-elf: isatty() calling _isatty(), ...)
	@# would clash with ours (guest-abi/lib/syscalls.c): out of libc.a with them.
	if [ -d $(RT)/newlib-build/$(NEWLIB_TARGET)/newlib/libc/syscalls ]; then \
	    $(AR) d $(NEWLIB_LIBDIR)/libc.a $$(ls $(RT)/newlib-src/newlib/libc/syscalls/*.c | sed 's|.*/|lib_a-|; s|\.c$$|.o|'); fi
	rm -rf $(RT)/newlib-src $(RT)/newlib-build
	touch $@

NEWLIB_LIBS := $(NEWLIB_LIBDIR)/libc.a $(NEWLIB_LIBDIR)/libm.a
$(NEWLIB_LIBS): $(NEWLIB_STAMP)

# newlib declares clock_gettime and CLOCK_MONOTONIC only where the platform says it has
# them; the guest glue implements both (guest-abi/lib/syscalls.c).
NEWLIB_DEFS := -D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L

# Rebuild newlib when its source or configuration changes, not on every edit of this file.
NEWLIB_SIG := $(NEWLIB_TARBALL) $(NEWLIB_CONFIG) $(NEWLIB_CFLAGS)
$(RT)/newlib.sig: FORCE
	@mkdir -p $(@D)
	@echo '$(NEWLIB_SIG)' | cmp -s - $@ || echo '$(NEWLIB_SIG)' > $@
$(NEWLIB_STAMP): $(RT)/newlib.sig
.PHONY: FORCE

# ---- C++: the host's libstdc++ headers over newlib, GCC's runtime pieces, our glue ---------
# The headers see newlib and one thread: guest-abi/cxx overrides the OS, locale and gthreads
# headers, and c++config.h is the host's without what a guest has not (TLS, futexes,
# threads). Only the host runtime objects listed here are linked, and each is checked to
# need nothing but newlib and our glue in guest-abi/cxx (see docs/runtime.md, "C++").
GCC_MAJOR := $(shell $(GUEST_CXX) -dumpversion)
HOST_CXX_INC := /usr/include/c++/$(GCC_MAJOR)
HOST_CXX_TARGET_INC := $(CXX_TARGET_INC_DIR)
GUEST_CXX_INC := -isystem $(RT)/cxx -isystem guest-abi/cxx -isystem $(HOST_CXX_INC) \
                 -isystem $(HOST_CXX_TARGET_INC) -isystem $(HOST_CXX_INC)/backward
# Recursive: GUEST_FLAGS is defined by the Makefile after this file is included.
GUEST_CXXFLAGS = -std=c++20 -nostdinc++ $(GUEST_CXX_INC) $(GUEST_FLAGS) -include ukmon_cxx_math.h
RT_CXXCONFIG := $(RT)/cxx/bits/c++config.h
CXXCONFIG_DROP := _GLIBCXX_HAVE_TLS|_GLIBCXX_HAVE_LINUX_FUTEX|_GLIBCXX_HAS_GTHREADS|_GLIBCXX_USE_PTHREAD_[A-Z_]+|_GLIBCXX_HAVE___CXA_THREAD_ATEXIT_IMPL|_GLIBCXX_HAVE_POSIX_SEMAPHORE|_GLIBCXX_USE_SCHED_YIELD|_GLIBCXX_HAVE_LINUX_RANDOM_H|_GLIBCXX_HAVE_SYS_SDT_H|_GLIBCXX_USE_DEV_RANDOM|_GLIBCXX_HAVE_TIMESPEC_GET

$(RT_CXXCONFIG): $(HOST_CXX_TARGET_INC)/bits/c++config.h mk/guest-runtime.mk
	@mkdir -p $(@D)
	sed -E '/define ($(CXXCONFIG_DROP)) /d' $< > $@.tmp && mv $@.tmp $@

# libsupc++ (all but its TLS globals and its stderr terminate handler, which guest-abi/cxx
# replace, and thread_local destructors) plus the libstdc++ objects behind strings,
# containers, std::function and the std exception classes.
HOST_LIBSTDCXX := $(shell $(GUEST_CXX) -print-file-name=libstdc++.a)
HOST_LIBSUPCXX := $(shell $(GUEST_CXX) -print-file-name=libsupc++.a)
SUPCXX_DROP := eh_globals.o vterminate.o atexit_thread.o
STDCXX_KEEP := cow-stdexcept.o cow-string-inst.o functexcept.o functional.o hash_bytes.o \
               hashtable_c++0x.o list.o snprintf_lite.o sso_string.o stdexcept.o string-inst.o tree.o
RT_STDCXX := $(RT)/lib/libukstdcxx.a
$(RT_STDCXX): $(HOST_LIBSTDCXX) $(HOST_LIBSUPCXX)
	@mkdir -p $(@D)
	rm -rf $@ $(RT)/stdcxx-objs && mkdir -p $(RT)/stdcxx-objs
	cd $(RT)/stdcxx-objs && $(AR) x $(HOST_LIBSTDCXX) \
	    $(filter-out $(SUPCXX_DROP),$(shell $(AR) t $(HOST_LIBSUPCXX))) $(STDCXX_KEEP)
	$(AR) rcs $@ $(RT)/stdcxx-objs/*.o && rm -rf $(RT)/stdcxx-objs

# Our C++ glue (guest-abi/cxx/*.cpp): an archive, so a C guest links none of it.
RT_CXXRT := $(RT)/lib/libukcxxrt.a
RT_CXXRT_OBJS := $(patsubst guest-abi/cxx/%.cpp,$(RT)/obj/%.o,$(wildcard guest-abi/cxx/*.cpp))
$(RT)/obj/%.o: guest-abi/cxx/%.cpp $(RT_CXXCONFIG) | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CXX) $(GUEST_CXXFLAGS) -MMD -MP -c $< -o $@
$(RT_CXXRT): $(RT_CXXRT_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

# Every symbol of every host object we allow resolves against newlib and our glue alone,
# and none uses the thread pointer (%fs, tpidr_el0: thread-local storage or glibc's stack
# guard): linked whole, once.
RT_CXX_CHECKED := $(RT)/cxx-runtime.checked
$(RT_CXX_CHECKED): $(RT_STDCXX) $(RT_CXXRT) $$(GUESTLIB) $$(GUEST_CRT0) $(NEWLIB_LIBS) guest-abi/guest.ld
	printf 'int main(void) { return 0; }\n' > $(RT)/check_main.c
	$(GUEST_CC) $(GUEST_CFLAGS) -c $(RT)/check_main.c -o $(RT)/check_main.o
	$(GUEST_CC) $(filter-out -Wl$(comma)--gc-sections,$(GUEST_LDFLAGS)) -o $(RT)/check.elf $(GUEST_CRT0) \
	    $(RT)/check_main.o -Wl,--whole-archive $(RT_STDCXX) $(RT_CXXRT) -Wl,--no-whole-archive \
	    -Wl,--start-group $(GUESTLIB) $(NEWLIB_LIBS) -lgcc -lgcc_eh -Wl,--end-group
	! $(OBJDUMP) -d $(RT)/check.elf | grep -m3 '$(TLS_INSN_PATTERN)' || { echo "guest C++ runtime: a host object uses the thread pointer ($(TLS_INSN_PATTERN))" >&2; exit 1; }
	rm -f $(RT)/check.elf $(RT)/check_main.* && touch $@

comma := ,
GUEST_RT_LIBS := $(RT_CXXRT) $(RT_STDCXX) $(NEWLIB_LIBS)
GUEST_RT_DEPS := $(GUEST_RT_LIBS) $(RT_CXX_CHECKED)

# ---- host twins of the conformance guests: the same source against glibc -----------------
HOST_TWINS := $(BUILD)/tests/host/conformance_c $(BUILD)/tests/host/conformance_cxx
all: $(HOST_TWINS)
$(BUILD)/tests/host/%: tests/guests/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 $(WARN) $(TEST_LDFLAGS) -o $@ $< -lm
$(BUILD)/tests/host/%: tests/guests/%.cpp
	@mkdir -p $(@D)
	$(CXX) -std=c++20 -O2 $(WARN) $(TEST_LDFLAGS) -o $@ $<

$(BUILD)/guest-obj/%.o: %.cpp $(RT_CXXCONFIG) | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CXX) $(GUEST_CXXFLAGS) -MMD -MP -c $< -o $@

# ---- the guest toolchain for builds outside this tree -------------------------------------
# ukmon-cc, ukmon-c++ (compile and link in one command) and pkg-config files (ukmon-guest,
# ukmon-guest-c++), for two places: this build tree (build/bin, build/guest-runtime/pkgconfig:
# absolute paths into it) and an installed tree (mk/install.mk: PREFIX/bin, PREFIX/lib/pkgconfig,
# every path relative to ${prefix}, which the .pc sets from ${pcfiledir} and the wrappers from
# their own location). One definition of the flags, uk_compile & co., over a layout: the
# variables UKB_* (build tree) or UKI_* (installed) say where each piece lies. The host's
# libstdc++ headers (HOST_CXX_INC) are absolute system paths in both.
# GUESTLIB and GUEST_CRT0 are defined after this file is read: recursive variables, and $$
# (second expansion) in prerequisites.
abs = $(abspath $(1))
GUEST_CC_INC := $(shell $(GUEST_CC) -print-file-name=include)
UKB_NEWLIB_INC = $(call abs,$(NEWLIB_INC))
UKB_ABI_INC = $(CURDIR)/guest-abi/include
UKB_CXX_INC = $(call abs,$(RT)/cxx) $(CURDIR)/guest-abi/cxx
UKB_LD = $(CURDIR)/guest-abi/guest.ld
UKB_CRT0 = $(call abs,$(GUEST_CRT0))
UKB_LIBS = $(call abs,$(GUESTLIB) $(GUEST_RT_LIBS))
# Installed (mk/install.mk puts the files there): headers under include/ukmon-guest, kept apart
# from the host's /usr/include, whose glibc headers they would shadow; the rest in lib/ukmon/guest.
UKI_INC = $${prefix}/include/ukmon-guest
UKI_GUEST = $${prefix}/lib/ukmon/guest
UKI_NEWLIB_INC = $(UKI_INC)/newlib
UKI_ABI_INC = $(UKI_INC)
UKI_CXX_INC = $(UKI_INC)/c++
UKI_LD = $(UKI_GUEST)/guest.ld
UKI_CRT0 = $(UKI_GUEST)/crt0.o
UKI_LIBS = $(addprefix $(UKI_GUEST)/,libukguest.a libukcxxrt.a libukstdcxx.a libc.a libm.a)

# $(1): the layout (UKB or UKI); $(2): the flag naming the compiler's own headers (stddef.h,
# stdint.h; -nostdinc hides them), empty for the installed .pc, which cannot run the compiler.
uk_compile = -nostdinc $(2) -isystem $($(1)_NEWLIB_INC) $(NEWLIB_DEFS) -I$($(1)_ABI_INC) \
             -fno-pie -fno-stack-protector $(ARCH_GUEST_FLAGS) -ffunction-sections -fdata-sections
uk_cxx_compile = -nostdinc++ $(addprefix -isystem ,$($(1)_CXX_INC)) -isystem $(HOST_CXX_INC) \
                 -isystem $(HOST_CXX_TARGET_INC) -isystem $(HOST_CXX_INC)/backward \
                 $(call uk_compile,$(1),$(2)) -include ukmon_cxx_math.h
uk_link = -nostdlib -static -no-pie -Wl,-T,$($(1)_LD) -Wl,--build-id=none \
          -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--gc-sections -Wl,--eh-frame-hdr \
          -Wl,--compress-debug-sections=zlib $($(1)_CRT0)
uk_libs = $($(1)_LIBS) -lgcc -lgcc_eh

UKCC_TOOLS := $(BUILD)/bin/ukmon-cc $(BUILD)/bin/ukmon-c++ $(RT)/pkgconfig/ukmon-guest.pc \
              $(RT)/pkgconfig/ukmon-guest-c++.pc
UKCC_INSTALLED := $(RT)/installed/bin/ukmon-cc $(RT)/installed/bin/ukmon-c++ \
                  $(RT)/installed/pkgconfig/ukmon-guest.pc $(RT)/installed/pkgconfig/ukmon-guest-c++.pc
all: $(UKCC_TOOLS) $(UKCC_INSTALLED)

# The wrappers: tools/ukmon-cc.in with the flags of layout $(1); $(2) the driver, $(3) the
# source suffix, $(4) uk_compile or uk_cxx_compile, $(5) the lines that find the files (for
# an installed wrapper: ${prefix} from its own path, and the compiler's header directory).
UKI_LOCATE := prefix=$$(dirname "$$(readlink -f -- "$$0")")/.. gccinc=$$(@DRIVER@ -print-file-name=include)
ukcc_sed = sed -e '$(if $(5),s|@LOCATE@|$(5)|,/^@LOCATE@$$/d)' -e 's|@NAME@|$(notdir $@)|g' -e 's|@WHERE@|$(6)|g' -e 's|@DRIVER@|$(2)|g' \
               -e 's|@EXT@|$(3)|g' -e 's|@COMPILE@|$(call $(4),$(1),$(if $(5),-isystem $${gccinc},-isystem $(GUEST_CC_INC)))|g' \
               -e 's|@LINK@|$(call uk_link,$(1))|g' -e 's|@LIBS@|$(call uk_libs,$(1))|g'
ukcc_gen = @mkdir -p $(@D)
UKCC_WRAPPER_DEPS = tools/ukmon-cc.in mk/guest-runtime.mk $(GUEST_RT_DEPS) $$(GUESTLIB) $$(GUEST_CRT0)
$(BUILD)/bin/ukmon-cc: $(UKCC_WRAPPER_DEPS)
	$(ukcc_gen)
	$(call ukcc_sed,UKB,$(GUEST_CC),c,uk_compile,,for the build tree $(call abs,$(BUILD)): it names absolute paths into it) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
$(BUILD)/bin/ukmon-c++: $(UKCC_WRAPPER_DEPS)
	$(ukcc_gen)
	$(call ukcc_sed,UKB,$(GUEST_CXX),cpp,uk_cxx_compile,,for the build tree $(call abs,$(BUILD)): it names absolute paths into it) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
UKI_WHERE := for make install: it finds the installed files relative to itself (PREFIX/bin/../)
$(RT)/installed/bin/ukmon-cc: tools/ukmon-cc.in mk/guest-runtime.mk
	$(ukcc_gen)
	$(call ukcc_sed,UKI,$(GUEST_CC),c,uk_compile,$(UKI_LOCATE),$(UKI_WHERE)) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
$(RT)/installed/bin/ukmon-c++: tools/ukmon-cc.in mk/guest-runtime.mk
	$(ukcc_gen)
	$(call ukcc_sed,UKI,$(GUEST_CXX),cpp,uk_cxx_compile,$(UKI_LOCATE),$(UKI_WHERE)) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# pkg-config: Libs carries crt0.o too; the link script puts _start first whatever the order.
# $(1): the package, $(2): C or C++, $(3): the layout, $(4): uk_compile or uk_cxx_compile,
# $(5): the lines before Name (the installed .pc's prefix and its note on the compiler's headers).
UK_ABI_VERSION := $(shell sed -n 's/^\#define UK_ABI_VERSION \([0-9]*\)u.*/\1/p' guest-abi/include/ukmon/abi.h)
ukcc_pc = printf '%s\n' $(5) 'Name: $(1)' \
    'Description: ukmon guest runtime for $(2): newlib and the ukmon ABI glue$(if $(filter C++,$(2)), with GCC C++ runtime subset)' \
    'Version: $(UK_ABI_VERSION)' 'Cflags: $(call $(4),$(3),$(if $(5),,-isystem $(GUEST_CC_INC)))' \
    'Libs: $(call uk_link,$(3)) -Wl,--start-group $(call uk_libs,$(3)) -Wl,--end-group' > $@
UKI_PC_HEAD = '\# pkg-config file for building a ukmon guest from an installed ukmon (make install); PREFIX/bin/$(1)' \
    '\# does the same in one command. Also pass -isystem "$$($(2) -print-file-name=include)" (the wrapper does):' \
    '\# -nostdinc hides the headers of the compiler itself (stddef.h, stdint.h), which newlib uses. See ukbake(1).' \
    'prefix=$${pcfiledir}/../..' ''
$(RT)/pkgconfig/ukmon-guest.pc: mk/guest-runtime.mk guest-abi/include/ukmon/abi.h
	$(ukcc_gen)
	$(call ukcc_pc,ukmon-guest,C,UKB,uk_compile)
$(RT)/pkgconfig/ukmon-guest-c++.pc: mk/guest-runtime.mk guest-abi/include/ukmon/abi.h
	$(ukcc_gen)
	$(call ukcc_pc,ukmon-guest-c++,C++,UKB,uk_cxx_compile)
$(RT)/installed/pkgconfig/ukmon-guest.pc: mk/guest-runtime.mk guest-abi/include/ukmon/abi.h
	$(ukcc_gen)
	$(call ukcc_pc,ukmon-guest,C,UKI,uk_compile,$(call UKI_PC_HEAD,ukmon-cc,cc))
$(RT)/installed/pkgconfig/ukmon-guest-c++.pc: mk/guest-runtime.mk guest-abi/include/ukmon/abi.h
	$(ukcc_gen)
	$(call ukcc_pc,ukmon-guest-c++,C++,UKI,uk_cxx_compile,$(call UKI_PC_HEAD,ukmon-c++,c++))
