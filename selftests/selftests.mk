# Selftests in kselftest form, on the kernel's own harness.
#
# kselftest_harness.h and kselftest.h are unpacked at build time from the
# linux-source-6.1 tarball (make deps installs it); they are never copied into
# the repository.
#
#   selftests/ulib/*.c   host tests of libtmm: run under every model, plain
#                        and under ASan+UBSan (selftests/run-host)
#   selftests/kmod/*.c   tests of tmm.ko, run in the test VM (selftests/run-vm)
#   selftests/vm/*       scripts copied into the VM beside them

KSFT_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
KSFT_DIR     := $(O)/kselftest
KSFT_HDRS    := $(KSFT_DIR)/kselftest_harness.h $(KSFT_DIR)/kselftest.h
CHECKPATCH   := $(O)/kernel-scripts/checkpatch.pl

$(KSFT_HDRS) &: | deps
	@mkdir -p $(KSFT_DIR)
	tar -xJf $(KSFT_TARBALL) -C $(KSFT_DIR) --strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
	@touch $(KSFT_HDRS)

$(CHECKPATCH): | deps
	@mkdir -p $(dir $@)
	tar -xJf $(KSFT_TARBALL) -C $(dir $@) --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	@touch $@

# The harness itself is not -Wextra clean (unused parameters in its macros).
SELFTEST_CFLAGS = $(BASE_CFLAGS) -I$(KSFT_DIR) -Iselftests $(CFLAGS) -Wno-unused-parameter

ULIB_TEST_SRCS := $(wildcard selftests/ulib/*.c)
ULIB_TESTS     := $(patsubst selftests/ulib/%.c,$(O)/selftests/ulib/%,$(ULIB_TEST_SRCS))
ULIB_SAN_TESTS := $(patsubst selftests/ulib/%.c,$(O)/selftests/ulib-san/%,$(ULIB_TEST_SRCS))
VM_TEST_SRCS   := $(wildcard selftests/kmod/*.c)
VM_TESTS       := $(patsubst selftests/kmod/%.c,$(O)/selftests/vm/%,$(VM_TEST_SRCS))
VM_SCRIPTS     := $(patsubst selftests/vm/%,$(O)/selftests/vm/%,$(wildcard selftests/vm/*))
SELFTEST_HDRS  := $(wildcard selftests/*.h) $(KSFT_HDRS)

.PHONY: selftests
selftests: $(ULIB_TESTS) $(ULIB_SAN_TESTS) $(VM_TESTS) $(VM_SCRIPTS)

$(O)/selftests/ulib/%: selftests/ulib/%.c $(SELFTEST_HDRS) $(O)/lib/libtmm.a
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(O)/lib/libtmm.a $(LDLIBS_PTHREAD)

$(O)/selftests/ulib-san/%: selftests/ulib/%.c $(SELFTEST_HDRS) $(O)/lib/libtmm-san.a
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) $(SAN_FLAGS) -o $@ $< $(O)/lib/libtmm-san.a $(LDLIBS_PTHREAD)

$(O)/selftests/vm/%: selftests/kmod/%.c $(SELFTEST_HDRS) kmod/include/uapi/linux/tmm.h
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) $(LIBNL_CFLAGS) -o $@ $< $(LIBNL_LIBS) $(LDLIBS_PTHREAD)

$(O)/selftests/vm/%: selftests/vm/%
	@mkdir -p $(dir $@)
	cp $< $@

check-host: $(ULIB_TESTS) $(ULIB_SAN_TESTS)
	@selftests/run-host $(O)

check-vm: all
	@selftests/run-vm $(O)

check-style: $(CHECKPATCH)
	@selftests/run-style $(O) $(KDIR)
