# SPDX-License-Identifier: GPL-2.0
#
# netkit2: out-of-tree build of the module, its probes and the tools.
#
#   make [KDIR=/lib/modules/$(uname -r)/build]   module for one kernel
#   make install [KVER=...] [DESTDIR=...]         install module (+ ip plugin, tools
#                                                 if built, unless INSTALL_TOOLS=no)
#   make iproute2 IPROUTE2_SRC=...                iproute2 link plugin
#   make tools                                    netkit2ctl, libnetkit2, test BPF objects
#   make dkms-install | dkms-uninstall            through DKMS
#   make check                                    the test suite (VMs)
#   make kunit                                    the KUnit suites (kunit.py, UML)
#   make style                                    checkpatch --strict, shellcheck, pyflakes
#   make bench                                    the benchmark (7.3 VM)
#   make check-patched [PATCHED=6.12]             lease tests on a patched kernel
#   make check-debug                              checkers, fuzzer, stress, fault walk
#   make help                                     this list

NETKIT2_VERSION := 0.1.0

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
SRCDIR	:= $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
GENDIR	:= $(SRCDIR)/.gen
PROBES	:= $(notdir $(basename $(wildcard $(SRCDIR)/probes/*.c)))
DEPMOD	?= /sbin/depmod
IP_LIB_DIR ?= /usr/lib/x86_64-linux-gnu/ip
MODDIR	:= $(DESTDIR)/lib/modules/$(KVER)/updates
PREFIX	?= /usr/local
MANDIR	?= $(PREFIX)/share/man
LIBDIR	?= $(PREFIX)/lib

# The probe result is keyed by the headers it was made against.
KDIR_ID	:= $(shell realpath -m $(KDIR) | md5sum | cut -c1-12)
PROBE_H	:= $(GENDIR)/$(KDIR_ID)/netkit2_probes.h

KBUILD_ARGS := -C $(KDIR) M=$(SRCDIR) NETKIT2_VERSION=$(NETKIT2_VERSION) \
	       NETKIT2_GEN_DIR=$(GENDIR)/$(KDIR_ID)

.PHONY: all modules probes clean install install-tools uninstall iproute2 tools \
	dkms-sources dkms-install dkms-uninstall check check-patched check-debug style bench version \
	kunit help

all: modules

modules: $(PROBE_H)
	$(MAKE) $(KBUILD_ARGS) modules

probes: $(PROBE_H)

# Export probes (probes/*.sym) read the kernel's list of exported symbols.
SYMVERS	:= $(wildcard $(KDIR)/Module.symvers)

$(PROBE_H): $(wildcard $(SRCDIR)/probes/*.c) $(wildcard $(SRCDIR)/probes/*.sym) \
	    $(SRCDIR)/probes/Kbuild $(SRCDIR)/probes/gen.sh $(SYMVERS)
	@rm -rf $(GENDIR)/$(KDIR_ID)/probes
	@mkdir -p $(GENDIR)/$(KDIR_ID)/probes
	@cp $(SRCDIR)/probes/*.c $(SRCDIR)/probes/Kbuild $(GENDIR)/$(KDIR_ID)/probes/
	@echo "  PROBE   $(KDIR)"
	@$(MAKE) -k -C $(KDIR) M=$(GENDIR)/$(KDIR_ID)/probes \
		$(addsuffix .o,$(PROBES)) >$(GENDIR)/$(KDIR_ID)/probes.log 2>&1 || true
	@$(SRCDIR)/probes/gen.sh $(GENDIR)/$(KDIR_ID)/probes $(SRCDIR)/probes \
		$(SYMVERS) >$@.tmp
	@mv $@.tmp $@
	@grep -h '^#define NETKIT2_HAVE' $@ | sed 's/^#define /  HAVE    /;s/ 1$$//'

clean:
	$(MAKE) -C $(KDIR) M=$(SRCDIR) clean 2>/dev/null || true
	rm -rf $(GENDIR)
	$(MAKE) -C $(SRCDIR)/tools/iproute2 clean 2>/dev/null || true
	$(MAKE) -C $(SRCDIR)/tools/netkit2ctl clean
	$(MAKE) -C $(SRCDIR)/tools/lib/netkit2 clean
	$(MAKE) -C $(SRCDIR)/tests/bpf clean
	$(MAKE) -C $(SRCDIR)/bench clean

install:
	install -D -m 0644 $(SRCDIR)/netkit2.ko $(MODDIR)/netkit2.ko
	if [ -z "$(DESTDIR)" ]; then $(DEPMOD) -a $(KVER); \
	else $(DEPMOD) -a -b $(DESTDIR) $(KVER); fi
	if [ -f $(SRCDIR)/tools/iproute2/link_netkit2.so ]; then \
		install -D -m 0644 $(SRCDIR)/tools/iproute2/link_netkit2.so \
			$(DESTDIR)$(IP_LIB_DIR)/link_netkit2.so; fi
	if [ "$(INSTALL_TOOLS)" != no ] && [ -f $(SRCDIR)/tools/netkit2ctl/netkit2ctl ]; then \
		$(MAKE) -C $(SRCDIR) install-tools; fi

# netkit2ctl, libnetkit2 (static and shared, header) and their manual
# pages, once `make tools` has built them.
install-tools:
	install -D -m 0755 $(SRCDIR)/tools/netkit2ctl/netkit2ctl $(DESTDIR)$(PREFIX)/sbin/netkit2ctl
	install -D -m 0644 $(SRCDIR)/tools/netkit2ctl/netkit2ctl.8 $(DESTDIR)$(MANDIR)/man8/netkit2ctl.8
	install -D -m 0644 $(SRCDIR)/tools/lib/netkit2/libnetkit2.3 $(DESTDIR)$(MANDIR)/man3/libnetkit2.3
	install -D -m 0644 $(SRCDIR)/tools/lib/netkit2/libnetkit2.a $(DESTDIR)$(LIBDIR)/libnetkit2.a
	install -D -m 0755 $(SRCDIR)/tools/lib/netkit2/libnetkit2.so.0 $(DESTDIR)$(LIBDIR)/libnetkit2.so.0
	ln -sf libnetkit2.so.0 $(DESTDIR)$(LIBDIR)/libnetkit2.so
	install -D -m 0644 $(SRCDIR)/tools/lib/netkit2/netkit2.h $(DESTDIR)$(PREFIX)/include/netkit2/netkit2.h
	install -D -m 0644 $(SRCDIR)/include/uapi/linux/netkit2.h $(DESTDIR)$(PREFIX)/include/linux/netkit2.h

uninstall:
	rm -f $(MODDIR)/netkit2.ko $(DESTDIR)$(IP_LIB_DIR)/link_netkit2.so
	rm -f $(DESTDIR)$(PREFIX)/sbin/netkit2ctl $(DESTDIR)$(MANDIR)/man8/netkit2ctl.8 \
		$(DESTDIR)$(MANDIR)/man3/libnetkit2.3 $(DESTDIR)$(LIBDIR)/libnetkit2.a \
		$(DESTDIR)$(LIBDIR)/libnetkit2.so.0 $(DESTDIR)$(LIBDIR)/libnetkit2.so \
		$(DESTDIR)$(PREFIX)/include/netkit2/netkit2.h \
		$(DESTDIR)$(PREFIX)/include/linux/netkit2.h
	if [ -z "$(DESTDIR)" ]; then $(DEPMOD) -a $(KVER); fi

# Without IPROUTE2_SRC, the source of the host's own iproute2 is fetched
# from its Debian suite (cached) and the plugin is built against it.
NETKIT2_CACHE ?= /var/cache/netkit2
iproute2:
	@src="$(IPROUTE2_SRC)"; \
	if [ -z "$$src" ]; then \
		suite=$$(. /etc/os-release && echo $$VERSION_CODENAME); \
		src=$(NETKIT2_CACHE)/iproute2/src-$$suite; \
		$(SRCDIR)/tools/iproute2/fetch-src.sh $$suite $$src || exit 1; \
	fi; \
	$(MAKE) -C $(SRCDIR)/tools/iproute2 IPROUTE2_SRC=$$src

# The program control tool and the BPF objects of the test suite. Built
# on the host: the guests of every kernel run the same binaries.
tools:
	$(MAKE) -C $(SRCDIR)/tools/lib/netkit2
	$(MAKE) -C $(SRCDIR)/tools/netkit2ctl
	$(MAKE) -C $(SRCDIR)/tests/bpf

version:
	@echo $(NETKIT2_VERSION)

DKMS_SRC := /usr/src/netkit2-$(NETKIT2_VERSION)
# What DKMS builds the module from, next to dkms.conf: the one list that
# dkms-install, the Debian package and scripts/check's DKMS build copy.
DKMS_SOURCES := Kbuild Makefile src include probes

dkms-sources:
	@echo $(DKMS_SOURCES)

dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cd $(SRCDIR) && cp -a $(DKMS_SOURCES) dkms.conf $(DKMS_SRC)/
	dkms add -m netkit2 -v $(NETKIT2_VERSION) || true
	dkms build -m netkit2 -v $(NETKIT2_VERSION) -k $(KVER)
	dkms install -m netkit2 -v $(NETKIT2_VERSION) -k $(KVER)

dkms-uninstall:
	-dkms remove -m netkit2 -v $(NETKIT2_VERSION) --all
	rm -rf $(DKMS_SRC)

check:
	$(SRCDIR)/scripts/check

style:
	$(SRCDIR)/scripts/style

kunit:
	$(SRCDIR)/kunit/run

help:
	@sed -n '1,/^$$/s/^#   //p' $(SRCDIR)/Makefile

# Loopback, veth, netkit and netkit2 compared in one 7.3 guest (bench/README.md).
bench:
	$(SRCDIR)/bench/run

# Rx queue leasing on a kernel with patches/ applied (not part of check):
# PATCHED=7.3 (default) or 6.12.
PATCHED	?= 7.3
check-patched:
	$(SRCDIR)/scripts/check-patched $(PATCHED)

# The 7.3 kernel with KASAN, lockdep, kmemleak, fault injection...: the
# suite's core, the fuzzer, stress and the fault walk (not part of check).
check-debug:
	$(SRCDIR)/scripts/check-debug
