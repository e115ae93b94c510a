# The tools: tmmstat (libnl-genl-3), benchmarks and examples.

LIBNL_CFLAGS = $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
LIBNL_LIBS   = $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)

TMMSTAT_SRCS := $(wildcard tools/tmmstat/*.c)
TMMSTAT_HDRS := $(wildcard tools/tmmstat/*.h) kmod/include/uapi/linux/tmm.h ulib/include/tmm.h

.PHONY: tools
tools: $(O)/bin/tmmstat

$(O)/bin/tmmstat: $(TMMSTAT_SRCS) $(TMMSTAT_HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itools/tmmstat $(LIBNL_CFLAGS) $(CFLAGS) -o $@ $(TMMSTAT_SRCS) $(LIBNL_LIBS)

# Each tool with more than a binary brings its own fragment (bench, examples…).
include $(sort $(wildcard tools/*/*.mk))
