# libtmm: static and shared library, pkg-config file.
# Sources: every ulib/src/*.c and the architecture's ulib/src/arch/$(ARCH)/*.S.

TMM_VERSION   := 0.1.0
TMM_SOVERSION := 0
ARCH          ?= $(shell uname -m)

ULIB_SRCS := $(wildcard ulib/src/*.c) $(wildcard ulib/src/arch/$(ARCH)/*.S)
ULIB_HDRS := $(wildcard ulib/include/*.h) $(wildcard ulib/src/*.h) $(wildcard ulib/src/arch/$(ARCH)/*.h) \
             kmod/include/uapi/linux/tmm.h
ULIB_CFLAGS = $(BASE_CFLAGS) -Iulib/src $(CFLAGS) -fvisibility=hidden
# The library is optimised as a whole (link-time optimisation): a create+join
# or a switch crosses half a dozen files (thread.c, sched_user.c, park.c,
# stack.c...), and calls between them cost it a tenth of its instructions.
# libtmm.a holds one object, already optimised, so programs link it with any
# compiler and flags.
ULIB_LTO    = -flto=auto

# One object tree per flavour: the normal build and the sanitizer build used
# by the host tests (ASan and UBSan, with ASan told about stack switches).
ULIB_OBJS      := $(patsubst ulib/src/%,$(O)/ulib/%.o,$(ULIB_SRCS))
ULIB_SAN_OBJS  := $(patsubst ulib/src/%,$(O)/ulib-san/%.o,$(ULIB_SRCS))
SAN_FLAGS      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DTMM_ASAN=1

.PHONY: ulib
ulib: $(O)/lib/libtmm.a $(O)/lib/libtmm.so $(O)/lib/libtmm-san.a $(O)/lib/tmm.pc

$(O)/ulib/%.o: ulib/src/% $(ULIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ULIB_CFLAGS) $(ULIB_LTO) -c $< -o $@

$(O)/ulib/libtmm.o: $(ULIB_OBJS)
	$(CC) $(ULIB_CFLAGS) $(ULIB_LTO) -r -nostdlib -flinker-output=nolto-rel -o $@ $^

$(O)/ulib-san/%.o: ulib/src/% $(ULIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ULIB_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(O)/lib/libtmm.a: $(O)/ulib/libtmm.o
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(O)/lib/libtmm-san.a: $(ULIB_SAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(O)/lib/libtmm.so.$(TMM_SOVERSION): $(ULIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ULIB_CFLAGS) $(ULIB_LTO) -shared -Wl,-soname,libtmm.so.$(TMM_SOVERSION) -o $@ $^ $(LDLIBS_PTHREAD)

$(O)/lib/libtmm.so: $(O)/lib/libtmm.so.$(TMM_SOVERSION)
	ln -sf libtmm.so.$(TMM_SOVERSION) $@

# An uninstalled pkg-config file for building against the tree.
$(O)/lib/tmm.pc: ulib/tmm.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(CURDIR)/$(O)|' -e 's|@VERSION@|$(TMM_VERSION)|' $< > $@
