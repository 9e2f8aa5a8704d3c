# make install [PREFIX=/usr/local] [DESTDIR=]: ukbake and what it links with, the guest
# toolchain (headers, runtime libraries, linker script, wrappers, pkg-config files), and the
# man pages.
#   PREFIX/bin/ukbake, ukmon-cc, ukmon-c++
#   PREFIX/lib/ukmon/           ukoci, ukmon-inspect, ukmon-podnet (ukbake's helpers), libukmon.a, main.o,
#                               embedded_guest.o, ldflags, modules/*.o  (the monitor side)
#   PREFIX/lib/ukmon/guest/     crt0.o, libukguest.a, guest.ld, newlib's libc.a and libm.a,
#                               libukstdcxx.a, libukcxxrt.a              (the guest side)
#   PREFIX/include/ukmon-guest/ ukmon/*.h, newlib/ (newlib's headers), c++/ (the generated
#                               bits/c++config.h and guest-abi/cxx's headers): kept apart from
#                               the host's /usr/include, whose glibc headers they would shadow
#   PREFIX/lib/pkgconfig/ukmon-guest.pc, ukmon-guest-c++.pc, PREFIX/share/man/man1/{ukbake,ukmon}.1,
#   PREFIX/lib/systemd/system/ukmon@.service (docs/deploy.md)
# Every path is found relative to the installed files (the wrappers and .pc files come from
# mk/guest-runtime.mk's installed layout), so a staged or moved tree works where it lies.
# make deb: the same tree as a Debian package (tools/mkdeb); make help: the targets.
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_ROOT := $(DESTDIR)$(PREFIX)
VERSION := $(shell sed -nE 's/.*version_string = "([^"]+)".*/\1/p' monitor/version.hpp)

.PHONY: install deb help
INSTALL_DEPS = $(LIBUKMON) $(MAIN_OBJS) $(MODULE_OBJS) $(GUESTLIB) $(GUEST_CRT0) $(UKBAKE) $(UKOCI) $(UKPODNET) \
               $(INSPECT) $(GUEST_RT_DEPS) $(RT_CXXCONFIG) $(UKCC_INSTALLED)
INC_ROOT := $(INSTALL_ROOT)/include/ukmon-guest
install: $(INSTALL_DEPS)
	@if [ -n "$(CROSS)" ]; then echo "install: ARCH=$(ARCH) is a cross build; install and deb are for native builds (docs/aarch64.md)" >&2; exit 1; fi
	@if grep -q fsanitize $(BUILD)/lib/ldflags; then echo "install: $(BUILD) is a SANITIZE=1 build; install a normal one" >&2; exit 1; fi
	install -d $(INSTALL_ROOT)/bin $(INSTALL_ROOT)/lib/ukmon/modules $(INSTALL_ROOT)/lib/ukmon/guest \
	    $(INC_ROOT)/ukmon $(INC_ROOT)/newlib $(INC_ROOT)/c++/bits \
	    $(INSTALL_ROOT)/lib/pkgconfig $(INSTALL_ROOT)/share/man/man1
	install -m 0755 tools/ukbake $(RT)/installed/bin/ukmon-cc $(RT)/installed/bin/ukmon-c++ $(INSTALL_ROOT)/bin/
	install -m 0755 tools/ukoci $(INSTALL_ROOT)/lib/ukmon/ukoci
	install -m 0755 $(UKPODNET) $(INSTALL_ROOT)/lib/ukmon/ukmon-podnet
	install -m 0755 -s $(INSPECT) $(INSTALL_ROOT)/lib/ukmon/ukmon-inspect
	install -m 0644 $(LIBUKMON) $(MAIN_OBJS) $(BUILD)/lib/ldflags $(INSTALL_ROOT)/lib/ukmon/
	install -m 0644 $(MODULE_OBJS) $(INSTALL_ROOT)/lib/ukmon/modules/
	install -m 0644 $(GUEST_CRT0) $(GUESTLIB) guest-abi/guest.ld $(NEWLIB_LIBS) $(RT_STDCXX) $(RT_CXXRT) \
	    $(INSTALL_ROOT)/lib/ukmon/guest/
	install -m 0644 guest-abi/include/ukmon/*.h $(INC_ROOT)/ukmon/
	cp -R $(NEWLIB_INC)/. $(INC_ROOT)/newlib/ && chmod -R u=rwX,go=rX $(INC_ROOT)/newlib
	install -m 0644 $(RT_CXXCONFIG) guest-abi/cxx/bits/*.h $(INC_ROOT)/c++/bits/
	install -m 0644 guest-abi/cxx/*.h $(INC_ROOT)/c++/
	install -m 0644 $(RT)/installed/pkgconfig/*.pc $(INSTALL_ROOT)/lib/pkgconfig/
	install -m 0644 docs/man/ukbake.1 docs/man/ukmon.1 $(INSTALL_ROOT)/share/man/man1/
	install -D -m 0644 deploy/systemd/ukmon@.service $(INSTALL_ROOT)/lib/systemd/system/ukmon@.service

# The package is the install of PREFIX=/usr into a staging root, packed by dpkg-deb.
deb: $(INSTALL_DEPS)
	rm -rf $(BUILD)/deb
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(abspath $(BUILD))/deb/root
	bash tools/mkdeb $(BUILD)/deb/root $(VERSION) $(BUILD)

help:
	@echo 'make [all]        build the monitor, guest library, ukbake, examples and tests (BUILD=build)'
	@echo 'make test         install missing packages, build, run every test; ends "tests: N passed, ..."'
	@echo 'make demo         bake and run build/hello'
	@echo 'make bench        the benchmarks of docs/performance.md'
	@echo 'make fuzz         build the libFuzzer targets; make test-long runs them'
	@echo 'make install      install ukbake, the guest toolchain (ukmon-cc, runtime, .pc), man pages (PREFIX=/usr/local DESTDIR=)'
	@echo 'make deb          build/ukmon_VERSION_amd64.deb of that install (PREFIX=/usr)'
	@echo 'make clean        remove BUILD'
	@echo 'make help         this list'
	@echo 'Variables: BUILD=DIR  SANITIZE=1 (ASan/UBSan)  JOBS=N  V=1 (full commands, not one line a step)'
