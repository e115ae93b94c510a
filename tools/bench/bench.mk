# Benchmarks: tmm's three models against pthreads, GNU Pth, Boost.Fiber, Go
# and two references: a bare Boost.Context switch and plain compute on k
# threads (Documentation/bench.md).
#
#   make bench                 install the bench packages, build, run, report
#   make bench SKIP_DEPS=1     the same without the package step
#   make bench BENCH_QUICK=1 BENCH_RUNS=3    smaller sizes, for trying things
#   make bench-build           only build the programs into build/bench/
#
# Not part of `make` (all): the peers need packages the library does not.
# One program per system and workload: build/bench/SYSTEM-WORKLOAD; the tmm
# ones take the model from TMM_MODEL.

BENCH_OUT    := $(O)/bench
BENCH_HDRS   := tools/bench/common/bench.h tools/bench/common/http.h
BENCH_CFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) -Itools/bench/common $(CFLAGS)
BENCH_CXXFLAGS = -std=c++17 $(WARN) -Itools/bench/common $(CFLAGS)
CXX ?= g++

bench_progs = $(patsubst tools/bench/$(1)/%.$(2),$(BENCH_OUT)/$(1)-%,$(wildcard tools/bench/$(1)/*.$(2)))

BENCH_PTHREAD := $(call bench_progs,pthread,c)
BENCH_PTH     := $(call bench_progs,pth,c)
BENCH_FIBER   := $(call bench_progs,fiber,cpp)
BENCH_CONTEXT := $(call bench_progs,context,cpp)
BENCH_COMPUTE := $(call bench_progs,compute,c)
BENCH_GO      := $(filter-out $(BENCH_OUT)/go-common,$(call bench_progs,go,go))
BENCH_TMM     := $(call bench_progs,tmm,c)
BENCH_PEERS   := $(BENCH_PTHREAD) $(BENCH_PTH) $(BENCH_FIBER) $(BENCH_CONTEXT) $(BENCH_COMPUTE) \
		 $(BENCH_GO)

# Go from Debian's golang-go, standard library only: caches under build/,
# nothing written to $HOME, nothing downloaded.
BENCH_GOENV = GOCACHE=$(CURDIR)/$(BENCH_OUT)/go-cache GOPATH=$(CURDIR)/$(BENCH_OUT)/go-path \
	GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOENV=off CGO_ENABLED=0

.PHONY: bench bench-build bench-peers bench-tmm bench-deps

bench-deps:
ifeq ($(SKIP_DEPS),)
	@tools/deps/install --bench
endif

# tmm's programs are built apart from the peers' so that the peers still run
# while libtmm is incomplete; the table then says "not built" for tmm (old
# tmm programs are removed, so that no figure comes from a stale library).
bench: bench-deps
	@$(MAKE) --no-print-directory bench-peers SKIP_DEPS=1
	@$(MAKE) --no-print-directory bench-tmm SKIP_DEPS=1 || { rm -f $(BENCH_TMM); \
		echo "bench: tmm's programs do not build (libtmm incomplete?); running the peers only" >&2; }
	tools/bench/run --bin $(BENCH_OUT)

bench-build: bench-deps
	@$(MAKE) --no-print-directory bench-peers bench-tmm SKIP_DEPS=1

bench-peers: $(BENCH_PEERS)
bench-tmm: $(BENCH_TMM)

$(BENCH_OUT)/pthread-%: tools/bench/pthread/%.c $(BENCH_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lpthread

$(BENCH_OUT)/compute-%: tools/bench/compute/%.c $(BENCH_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lpthread

$(BENCH_OUT)/pth-%: tools/bench/pth/%.c $(BENCH_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lpth

$(BENCH_OUT)/fiber-%: tools/bench/fiber/%.cpp tools/bench/fiber/pool.hpp $(BENCH_HDRS)
	@mkdir -p $(dir $@)
	$(CXX) $(BENCH_CXXFLAGS) -o $@ $< -lboost_fiber -lboost_context -lpthread

$(BENCH_OUT)/context-%: tools/bench/context/%.cpp $(BENCH_HDRS)
	@mkdir -p $(dir $@)
	$(CXX) $(BENCH_CXXFLAGS) -o $@ $< -lboost_context

$(BENCH_OUT)/go-%: tools/bench/go/%.go tools/bench/go/common.go
	@mkdir -p $(dir $@)
	$(BENCH_GOENV) go build -o $@ tools/bench/go/common.go $<

$(BENCH_OUT)/tmm-%: tools/bench/tmm/%.c tools/bench/tmm/runtime.h $(BENCH_HDRS) $(O)/lib/libtmm.a \
		$(wildcard ulib/include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -Iulib/include -o $@ $< $(O)/lib/libtmm.a -lpthread
