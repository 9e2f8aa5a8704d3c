# lwIP (Debian's `lwip` source package, fetched into .deps/src by tools/setup-deps) built as
# a guest library, and guest-net (the netif driver, the loop and the stream layer) on top.
# Unpacked into the build tree once, then reused. See docs/network.md.
LWIP_DSC := $(firstword $(wildcard .deps/src/lwip_*.dsc))
LWIP_SRC := $(RT)/lwip-src
LWIP_STAMP := $(RT)/lwip.stamp
LWIP_INC := -Iguest-net/include -I$(LWIP_SRC)/src/include

# IPv4 core, Ethernet, and lwiperf (examples/iperf). Features switched off in
# guest-net/include/lwipopts.h compile to nothing.
LWIP_FILES := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
              core/netif.c core/pbuf.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c \
              core/tcp_out.c core/timeouts.c core/udp.c core/ipv4/etharp.c core/ipv4/icmp.c \
              core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c \
              apps/lwiperf/lwiperf.c
LWIP_OBJS := $(patsubst %.c,$(RT)/lwip-obj/%.o,$(LWIP_FILES))
LWIP_LIB := $(RT)/lib/liblwip.a

# Debian's patches applied (dpkg-source), so the guest gets the fixes Debian ships.
$(LWIP_STAMP): $(LWIP_DSC)
	@test -n "$(LWIP_DSC)" || { echo "lwip: .deps/src/lwip_*.dsc is missing (make deps fetches Debian's lwip source package)" >&2; exit 1; }
	rm -rf $(LWIP_SRC) && mkdir -p $(RT)
	dpkg-source --no-check -x $(LWIP_DSC) $(LWIP_SRC) > $(RT)/lwip-unpack.log 2>&1 \
	    || { cat $(RT)/lwip-unpack.log; exit 1; }
	touch $@

# lwIP is third-party C: our warnings, minus the ones its style trips on.
LWIP_CFLAGS = $(GUEST_CFLAGS) $(LWIP_INC) -Wno-unused-parameter -Wno-address
$(RT)/lwip-obj/%.o: $(LWIP_STAMP) | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(LWIP_CFLAGS) -MMD -MP -c $(LWIP_SRC)/src/$*.c -o $@
$(LWIP_OBJS): guest-net/include/lwipopts.h guest-net/include/arch/cc.h

$(LWIP_LIB): $(LWIP_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

GUESTNET_SRCS := $(wildcard guest-net/src/*.c)
GUESTNET_OBJS := $(patsubst guest-net/src/%.c,$(RT)/guest-net-obj/%.o,$(GUESTNET_SRCS))
GUESTNET_LIB := $(RT)/lib/libuknet.a
$(RT)/guest-net-obj/%.o: guest-net/src/%.c $(LWIP_STAMP) | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(LWIP_INC) -MMD -MP -c $< -o $@
$(GUESTNET_LIB): $(GUESTNET_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

# Archives: a guest that calls none of it links none of it.
GUESTNET_LIBS := $(GUESTNET_LIB) $(LWIP_LIB)
