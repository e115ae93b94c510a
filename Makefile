# tmm — top-level build.
#
# One non-recursive make for user space (each part adds its rules from a
# fragment: ulib/ulib.mk, tools/tools.mk, selftests/selftests.mk) and Kbuild
# for the module, so `make -C $KDIR M=$PWD` works as kernel developers expect.
#
#   make            build libtmm, the tools, the selftests and kmod/tmm.ko
#   make deps       install the Debian packages the build, tests and demo need
#   make check      host tests, then the VM selftests; one closing line
#   make demo       boot the test VM, load tmm.ko, show tmmstat reaching it
#   make install    PREFIX (default /usr/local) and DESTDIR honoured

# When Kbuild reads this directory it uses ./Kbuild, never this file.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
O       := $(BUILD)

CC      ?= cc
AR      ?= ar
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -fPIC -Iulib/include -Ikmod/include/uapi
LDLIBS_PTHREAD := -lpthread

# The installed Debian cloud kernel's build tree, newest first.
KDIR ?= $(lastword $(sort $(wildcard /lib/modules/*-cloud-amd64/build)))

# make deps runs first for the targets a person types on a fresh machine.
SKIP_DEPS ?=

.PHONY: all deps kmod clean install check check-host check-vm check-style demo vm-shell
all: ulib tools selftests kmod

deps:
ifeq ($(SKIP_DEPS),)
	@tools/deps/install
endif

include ulib/ulib.mk
include tools/tools.mk
include selftests/selftests.mk

# --- the module -------------------------------------------------------------

kmod: | deps
	@test -n "$(KDIR)" || { echo "tmm: no kernel build tree; run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

kmod-clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

# --- tests ------------------------------------------------------------------

# Host tests, then the VM selftests; each part prints its own summary and
# tools/check/summary adds them up into the one closing line.
check: | deps
	@$(MAKE) --no-print-directory all
	@rm -f $(O)/check/*.summary
	@mkdir -p $(O)/check
	@$(MAKE) --no-print-directory check-host || true
	@$(MAKE) --no-print-directory check-fuzz || true
	@$(MAKE) --no-print-directory check-style || true
	@$(MAKE) --no-print-directory check-vm || true
	@tools/check/summary $(O)/check/*.summary

demo: | deps
	@$(MAKE) --no-print-directory all
	@tools/demo/run

vm-shell: all
	@tools/vm/run --shell

# --- install ----------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(O)/lib/libtmm.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(O)/lib/libtmm.so.$(TMM_SOVERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libtmm.so.$(TMM_SOVERSION) $(DESTDIR)$(PREFIX)/lib/libtmm.so
	install -m 644 ulib/include/tmm.h ulib/include/tmm_io.h ulib/include/tmm_snapshot.h \
		$(DESTDIR)$(PREFIX)/include/
	install -d $(DESTDIR)$(PREFIX)/include/linux
	install -m 644 kmod/include/uapi/linux/tmm.h $(DESTDIR)$(PREFIX)/include/linux/tmm.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(TMM_VERSION)|' ulib/tmm.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/tmm.pc
	install -m 755 $(O)/bin/tmmstat $(DESTDIR)$(PREFIX)/bin/
	if [ -f Documentation/tmmstat.1 ]; then install -m 644 Documentation/tmmstat.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi

# Installs the module sources for DKMS (see kmod/dkms.conf).
install-dkms:
	install -d $(DESTDIR)/usr/src/tmm-$(TMM_VERSION)
	cp -r Kbuild kmod $(DESTDIR)/usr/src/tmm-$(TMM_VERSION)/
	install -m 644 kmod/dkms.conf $(DESTDIR)/usr/src/tmm-$(TMM_VERSION)/dkms.conf

clean: kmod-clean
	rm -rf $(BUILD)
