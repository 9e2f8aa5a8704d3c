# One short line per build step ("  CXX     build/obj/monitor/cli.o"); `make V=1` shows the
# full commands. Done by make's SHELL (tools/quiet-shell) rather than a prefix on every
# recipe line, so the rules stay as they are written.
V ?= 0
ifneq ($(V),1)
MAKEFLAGS += -s
SHELL := $(CURDIR)/tools/quiet-shell
endif
