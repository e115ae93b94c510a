# Selftests in kselftest form, on the kernel's own harness.
#
# kselftest_harness.h and kselftest.h are unpacked at build time from the
# linux-source-6.1 tarball (make deps installs it); they are never copied into
# the repository.
#
#   selftests/ulib/*.c   host tests of libtmm: run under every model, plain
#                        and under ASan+UBSan (selftests/run-host)
#   selftests/kmod/*.c   tests of tmm.ko, run in the test VM (selftests/run-vm)
#   selftests/tmmstat/test_*.c   tests of tmmstat, run in the test VM too
#   selftests/tmmstat/workload_*.c, selftests/kmod/workload_*.c
#                        programs the VM tests run (linked with libtmm.a);
#                        in the guest they are in /tmm/bin, on the PATH
#   selftests/vm/*       scripts copied into the VM beside the tests
#   selftests/no_membarrier.c   a launcher the host tests also run under: M:N
#                        without membarrier (its fallback)

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
VM_WORKLOAD_SRCS := $(wildcard selftests/kmod/workload_*.c selftests/tmmstat/workload_*.c)
VM_TEST_SRCS   := $(filter-out $(VM_WORKLOAD_SRCS),$(wildcard selftests/kmod/*.c)) \
		  $(wildcard selftests/tmmstat/test_*.c)
VM_TESTS       := $(addprefix $(O)/selftests/vm/,$(basename $(notdir $(VM_TEST_SRCS))))
VM_WORKLOADS   := $(addprefix $(O)/selftests/vm-bin/,$(basename $(notdir $(VM_WORKLOAD_SRCS))))
VM_SCRIPTS     := $(patsubst selftests/vm/%,$(O)/selftests/vm/%,$(wildcard selftests/vm/*))
SELFTEST_HDRS  := $(wildcard selftests/*.h selftests/ulib/*.h) $(KSFT_HDRS)

.PHONY: selftests
selftests: $(ULIB_TESTS) $(ULIB_SAN_TESTS) $(VM_TESTS) $(VM_SCRIPTS) $(VM_WORKLOADS) \
	   $(O)/selftests/no-membarrier

$(O)/selftests/no-membarrier: selftests/no_membarrier.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<

$(O)/selftests/ulib/%: selftests/ulib/%.c $(SELFTEST_HDRS) $(O)/lib/libtmm.a
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(O)/lib/libtmm.a $(LDLIBS_PTHREAD)

$(O)/selftests/ulib-san/%: selftests/ulib/%.c $(SELFTEST_HDRS) $(O)/lib/libtmm-san.a
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) $(SAN_FLAGS) -o $@ $< $(O)/lib/libtmm-san.a $(LDLIBS_PTHREAD)

VM_TEST_LIBS = $(LIBNL_LIBS) $(O)/lib/libtmm.a $(LDLIBS_PTHREAD)
VM_TEST_DEPS = $(SELFTEST_HDRS) $(wildcard selftests/kmod/*.h selftests/tmmstat/*.h) \
	       kmod/include/uapi/linux/tmm.h $(O)/lib/libtmm.a

$(O)/selftests/vm/%: selftests/kmod/%.c $(VM_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) $(LIBNL_CFLAGS) -o $@ $< $(VM_TEST_LIBS)

$(O)/selftests/vm/%: selftests/tmmstat/%.c $(VM_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) $(LIBNL_CFLAGS) -o $@ $< $(VM_TEST_LIBS)

$(O)/selftests/vm-bin/%: selftests/kmod/%.c $(VM_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) $(LIBNL_CFLAGS) -o $@ $< $(VM_TEST_LIBS)

$(O)/selftests/vm-bin/%: selftests/tmmstat/%.c $(VM_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) $(LIBNL_CFLAGS) -o $@ $< $(VM_TEST_LIBS)

$(O)/selftests/vm/%: selftests/vm/%
	@mkdir -p $(dir $@)
	cp $< $@

check-host: $(ULIB_TESTS) $(ULIB_SAN_TESTS) $(O)/selftests/no-membarrier
	@selftests/run-host $(O)

check-vm: all
	@selftests/run-vm $(O)

check-style: $(CHECKPATCH)
	+@selftests/run-style $(O) $(KDIR)
