# Examples of libtmm (tools/examples/README.md): one program per file,
# linked with libtmm.a, built into build/examples/ as part of `make`.
#
# Also the hand-written epoll HTTP server that tools/bench/http-compare runs
# beside tmm's (build/bench/epoll-http): it needs no library, so it is built
# here rather than among the benchmark peers.

EXAMPLES := $(patsubst tools/examples/%.c,$(O)/examples/%,$(wildcard tools/examples/*.c))
EXAMPLE_HDRS := ulib/include/tmm.h ulib/include/tmm_io.h

.PHONY: examples
examples: $(EXAMPLES)
tools: examples

$(O)/examples/%: tools/examples/%.c $(EXAMPLE_HDRS) $(O)/lib/libtmm.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(O)/lib/libtmm.a -lpthread

$(O)/bench/epoll-%: tools/bench/epoll/%.c tools/bench/common/http.h tools/bench/common/bench.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itools/bench/common $(CFLAGS) -o $@ $<
