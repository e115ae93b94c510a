# The tmm.ko overhead benchmark (tools/bench/kmod-overhead): its guest-side
# load, built with `make bench-kmod-build`; not part of `make` (all).

KMOD_BENCH := $(O)/bench/kmod-overhead-pingpong

.PHONY: bench-kmod-build
bench-kmod-build: $(KMOD_BENCH)

$(KMOD_BENCH): tools/bench/kmod-overhead-pingpong.c kmod/include/uapi/linux/tmm.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(LIBNL_CFLAGS) $(CFLAGS) -o $@ $< $(LIBNL_LIBS) $(LDLIBS_PTHREAD)
