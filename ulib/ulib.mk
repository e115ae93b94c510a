# libtmm: static and shared library, pkg-config file.
# Sources: every ulib/src/*.c and the architecture's ulib/src/arch/$(ARCH)/*.S.

TMM_VERSION   := 0.1.0
TMM_SOVERSION := 0
ARCH          ?= $(shell uname -m)

ULIB_SRCS := $(wildcard ulib/src/*.c) $(wildcard ulib/src/arch/$(ARCH)/*.S)
ULIB_HDRS := $(wildcard ulib/include/*.h) $(wildcard ulib/src/*.h) $(wildcard ulib/src/arch/$(ARCH)/*.h) \
             kmod/include/uapi/linux/tmm.h
ULIB_CFLAGS = $(BASE_CFLAGS) -Iulib/src $(CFLAGS) -fvisibility=hidden

# One object tree per flavour: the normal build and the sanitizer build used
# by the host tests (ASan and UBSan, with ASan told about stack switches).
ULIB_OBJS      := $(patsubst ulib/src/%,$(O)/ulib/%.o,$(ULIB_SRCS))
ULIB_SAN_OBJS  := $(patsubst ulib/src/%,$(O)/ulib-san/%.o,$(ULIB_SRCS))
SAN_FLAGS      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DTMM_ASAN=1

.PHONY: ulib
ulib: $(O)/lib/libtmm.a $(O)/lib/libtmm.so $(O)/lib/libtmm-san.a $(O)/lib/tmm.pc

$(O)/ulib/%.o: ulib/src/% $(ULIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ULIB_CFLAGS) -c $< -o $@

$(O)/ulib-san/%.o: ulib/src/% $(ULIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ULIB_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(O)/lib/libtmm.a: $(ULIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(O)/lib/libtmm-san.a: $(ULIB_SAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(O)/lib/libtmm.so.$(TMM_SOVERSION): $(ULIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libtmm.so.$(TMM_SOVERSION) -o $@ $^ $(LDLIBS_PTHREAD)

$(O)/lib/libtmm.so: $(O)/lib/libtmm.so.$(TMM_SOVERSION)
	ln -sf libtmm.so.$(TMM_SOVERSION) $@

# An uninstalled pkg-config file for building against the tree.
$(O)/lib/tmm.pc: ulib/tmm.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(CURDIR)/$(O)|' -e 's|@VERSION@|$(TMM_VERSION)|' $< > $@
