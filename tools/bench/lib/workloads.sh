# shellcheck shell=bash disable=SC2034,SC2154 # arrays for run and report.sh; $failed from run
# workloads.sh — which workloads exist, which systems run each, and how each
# system is started for it.  Sourced by tools/bench/run.
#
# Systems: tmm under its three models (one program per workload, model from
# TMM_MODEL; "tmm m:n bound": the two threads of the mutex and relay
# workloads bound to processors 0 and 1, so on two workers), glibc
# pthreads, GNU Pth, Boost.Fiber, the Go runtime, and two references that
# are not peers: a bare Boost.Context switch as the floor of
# the yield workload, and plain thread-free compute on the same number of
# kernel threads as the ceiling of the fork-join speedup.

SYSTEMS=(tmm-m1 tmm-1to1 tmm-mn tmm-mn-bound pthread pth fiber go context compute)
REFERENCES=(context compute)

declare -A SYSTEM_LABEL=(
	[tmm-m1]="tmm m:1" [tmm-1to1]="tmm 1:1" [tmm-mn]="tmm m:n" [tmm-mn-bound]="tmm m:n bound"
	[pthread]="pthreads" [pth]="GNU Pth" [fiber]="Boost.Fiber" [go]="Go"
	[context]="bare switch" [compute]="plain compute"
)

ncpus=$(nproc)

# Sets WORKLOADS (in report order) and the sizes; $1 non-empty: quick sizes.
define_workloads() {
	quick_mode=$1
	if [[ -n $1 ]]; then
		yield_rounds=30000 create_count=5000 mutex_rounds=10000 relay_steps=10000 cond_rounds=5000
		chan_rounds=10000 fib_n=18 live_small=10000 live_large=100000 window_ms=100
		live_small_id=live-10k live_large_id=live-100k http_seconds=1
	else
		yield_rounds=300000 create_count=50000 mutex_rounds=100000 relay_steps=100000 cond_rounds=50000
		chan_rounds=100000 fib_n=24 live_small=100000 live_large=1000000 window_ms=300
		live_small_id=live-100k live_large_id=live-1m http_seconds=3
	fi
	WORKLOADS=(yield create mutex relay cond chan forkjoin-1 forkjoin-2
		"$live_small_id" "$live_large_id" blocking http)
}

# What a workload measures, in a sentence for the report.
describe_of() {
	case $1 in
	yield) echo "Two threads call yield in a loop, $yield_rounds times each, on one kernel" \
		"thread or CPU (TMM_KTHREADS=1, GOMAXPROCS=1, CPU 0 by affinity for pthreads" \
		"and tmm 1:1), so that every yield switches; time per yield. The bare switch" \
		"is one register-only switch of Boost.Context (no scheduler)." ;;
	create) echo "Create and join one empty thread, $create_count times; time per create+join." ;;
	mutex) echo "Two threads take one mutex $mutex_rounds times each, holding it across a" \
		"yield so that the other must wait for it; time per acquisition, and the share" \
		"of acquisitions made on another kernel thread than the one before. Under tmm" \
		"m:n the two threads share a worker (a woken thread joins its waker's queue);" \
		"tmm m:n bound binds them to processors 0 and 1 (tmm_bind_processor), two workers." ;;
	relay) echo "Two threads hand mutexes to each other, $relay_steps steps each: three" \
		"mutexes form a ring, and at each step a thread takes the next one and lets go" \
		"of the one it held. The next one is always held (or just let go of) by the" \
		"other thread, so the two alternate strictly and every step is a handoff, with" \
		"no polling and no other primitive. Time per handoff. tmm m:n bound: the two" \
		"threads on processors 0 and 1, two workers; Go on its default GOMAXPROCS ($ncpus);" \
		"pthreads: the default mutex." ;;
	cond) echo "Two threads pass a turn back and forth with one mutex and condition" \
		"variable, $cond_rounds times each; time per handoff." ;;
	chan) echo "Two threads pass a value back and forth over two rendezvous channels," \
		"$chan_rounds round trips; time per message (pthreads have no channel;" \
		"GNU Pth uses its message ports)." ;;
	forkjoin-*) echo "fib($fib_n) with a thread spawned for fib(n-1) at every call" \
		"($(fib_spawns "$fib_n") threads) on ${1#forkjoin-} kernel thread(s)" \
		"(TMM_KTHREADS, GOMAXPROCS, work-stealing threads, or CPUs by affinity" \
		"for pthreads and tmm 1:1); total time. Plain compute is twelve thread-free" \
		"fib($((fib_n + 4))) shared among as many pthreads: what the CPUs themselves give." ;;
	live-*) echo "$(live_count "$1") threads created, each left asleep on one event;" \
		"time per thread until all sleep, and resident memory per thread" \
		"(getrusage peak, minus the peak before)." ;;
	blocking) echo "$ncpus CPU-bound threads (about 10 µs of work, then yield) count units" \
		"of work in windows of ${window_ms} ms, alternately alone and beside $ncpus threads" \
		"blocked in a raw read(), three of each; 'retained' is the second over the first." ;;
	http) echo "An HTTP/1.1 server on 127.0.0.1 with a thread per connection (tmm with" \
		"tmm_io.h's calls, GNU Pth with its own, Go: net/http), driven by wrk with 64" \
		"keep-alive connections for $http_seconds s (tools/bench/http-load); requests/s," \
		"latency percentiles, the server's peak RSS. wrk shares the two CPUs with the server." ;;
	esac
}

fib_spawns() {
	local a=0 b=1 t i
	for ((i = 0; i <= $1; i++)); do t=$((a + b)); a=$b; b=$t; done
	echo $((a - 1))
}

live_count() {
	if [[ $1 == "$live_small_id" ]]; then echo "$live_small"; else echo "$live_large"; fi
}

# Seconds one run may take: BENCH_TIMEOUT (default 60, 20 with quick
# sizes), three times that for the million threads (Boost.Fiber needs about
# 40 s there on this machine).
timeout_of() {
	local t=${BENCH_TIMEOUT:-$([[ -n $quick_mode ]] && echo 20 || echo 60)}
	if [[ $1 == "$live_large_id" && -z $quick_mode ]]; then echo $((3 * t)); else echo "$t"; fi
}

# How many runs of a workload each round makes.  Three for the workloads
# whose runs last a fraction of a second: this machine's speed changes from
# one moment to the next (the bare switch took 5.2 to 7.7 ns in twelve runs
# in a row), and their runs are cheap, so more of them steady the medians
# and per-round ratios at a cost of about three minutes.
runs_per_round() {
	case $1 in
	yield | create | mutex) echo 3 ;;
	*) echo 1 ;;
	esac
}

# The systems that run a workload, in report order.
systems_of() {
	case $1 in
	yield) echo tmm-m1 tmm-1to1 tmm-mn pthread pth fiber go context ;;
	chan) echo tmm-m1 tmm-1to1 tmm-mn pth fiber go ;;
	forkjoin-*) echo tmm-m1 tmm-1to1 tmm-mn pthread pth fiber go compute ;;
	mutex | relay) echo tmm-m1 tmm-1to1 tmm-mn tmm-mn-bound pthread pth fiber go ;;
	*) echo tmm-m1 tmm-1to1 tmm-mn pthread pth fiber go ;;
	esac
}

# Non-empty: why this system is not run on this workload.
skip_of() {
	local sys=$1 w=$2
	case $w in
	forkjoin-1 | forkjoin-[2-9]*)
		if [[ $w != forkjoin-1 && ($sys == tmm-m1 || $sys == pth) ]]; then
			echo "n/a: one kernel thread by design"
		fi
		;;
	http)
		[[ $sys == fiber ]] && echo "n/a: Boost.Fiber has no I/O of its own (it is paired with Boost.Asio)"
		;;
	"$live_large_id")
		if grep "^$live_small_id,$sys," "$failed" 2>/dev/null | grep -qv ',not built$'; then
			echo "skipped: did not complete $live_small_id"
		fi
		;;
	esac
}

program_of() {
	local sys=$1 w=$2
	case $sys in tmm-*) sys=tmm ;; esac
	case $w in forkjoin-*) w=forkjoin ;; live-*) w=live ;; esac
	echo "$sys-$w"
}

env_of() {
	local sys=$1 w=$2 k=
	[[ $w == forkjoin-* ]] && k=${w#forkjoin-}
	[[ $w == yield ]] && k=1
	case $sys in
	tmm-m1) echo TMM_MODEL=m:1 ;;
	tmm-1to1) echo TMM_MODEL=1:1 ;;
	tmm-mn | tmm-mn-bound) echo TMM_MODEL=m:n ${k:+TMM_KTHREADS=$k} ;;
	go) echo ${k:+GOMAXPROCS=$k} ;;
	esac
}

# Kernel-thread-per-thread systems get their CPUs from the affinity mask;
# the HTTP servers are started and driven by http-load.
prefix_of() {
	local sys=$1 w=$2
	if [[ $w == http ]]; then
		echo "$here/http-load"
	elif [[ $w == forkjoin-* && ($sys == pthread || $sys == tmm-1to1) ]]; then
		echo taskset -c "0-$((${w#forkjoin-} - 1))"
	elif [[ $w == yield && ($sys == pthread || $sys == tmm-1to1) ]]; then
		echo taskset -c 0
	fi
}

args_of() {
	local sys=$1 w=$2
	case $w in
	yield) echo "$yield_rounds" ;;
	create) echo "$create_count" ;;
	mutex | relay)
		local n=$mutex_rounds
		[[ $w == relay ]] && n=$relay_steps
		if [[ $sys == tmm-mn-bound ]]; then echo "$n bound"; else echo "$n"; fi
		;;
	cond) echo "$cond_rounds" ;;
	chan) echo "$chan_rounds" ;;
	forkjoin-*)
		if [[ $sys == fiber || $sys == compute ]]; then echo "$fib_n ${w#forkjoin-}"; else echo "$fib_n"; fi
		;;
	live-*) live_count "$w" ;;
	blocking) echo "$ncpus $ncpus $window_ms" ;;
	http) echo "$http_seconds 64" ;;
	esac
}
