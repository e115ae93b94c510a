// Scheduling calls every model offers: tmm_yield lets the others run (round
// robin under M:1), tmm_sleep_ns never returns early and parks only its caller;
// new threads run soon without starving older ones, a fork-join tree runs
// depth first where threads share a kernel thread, and a thread queued behind
// one that never switches runs on another kernel thread where there is one.
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"

#define YIELDERS 4

#include "runtime_fixture.h"

static int stop;
static long rounds[YIELDERS];

static void *yielder(void *arg)
{
	intptr_t me = (intptr_t)arg;

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&rounds[me], 1, __ATOMIC_RELAXED);
		tmm_yield();
	}
	return NULL;
}

TEST_F(rt, yield_lets_every_thread_run)
{
	tmm_thread_t *t[YIELDERS];
	uint64_t deadline = now_ns() + 2000 * MS;
	long lo = -1, hi = 0;

	for (intptr_t i = 0; i < YIELDERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, yielder, (void *)i));
	tmm_sleep_ns(30 * MS);
	/* Under 1:1 a new kernel thread may take milliseconds to get a CPU. */
	for (int i = 0; i < YIELDERS && now_ns() < deadline; i++)
		while (!__atomic_load_n(&rounds[i], __ATOMIC_ACQUIRE) && now_ns() < deadline)
			tmm_sleep_ns(MS);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < YIELDERS; i++) {
		ASSERT_EQ(0, tmm_join(t[i], NULL));
		if (lo < 0 || rounds[i] < lo)
			lo = rounds[i];
		if (rounds[i] > hi)
			hi = rounds[i];
	}
	EXPECT_GT(lo, 0);
	/* One kernel thread, FIFO run queue: strict turns, at most one round apart. */
	if (tmm_current_model() == TMM_M1)
		EXPECT_LE(hi - lo, 1) TH_LOG("rounds %ld..%ld", lo, hi);
}

static void *nothing(void *arg)
{
	return arg;
}

TEST_F(rt, queued_thread_runs_while_main_creates_and_joins)
{
	tmm_thread_t *t, *child;
	long before;

	__atomic_store_n(&stop, 0, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_create(&t, NULL, yielder, (void *)0));
	/*
	 * Each new thread runs ahead of the yielder, but not always.  (On more
	 * kernel threads the yielder runs beside main, as the kernel lets it.)
	 */
	while (!__atomic_load_n(&rounds[0], __ATOMIC_ACQUIRE))
		tmm_yield();
	before = __atomic_load_n(&rounds[0], __ATOMIC_ACQUIRE);
	for (int i = 0; i < 2000; i++) {
		ASSERT_EQ(0, tmm_create(&child, NULL, nothing, NULL));
		ASSERT_EQ(0, tmm_join(child, NULL));
	}
	if (one_processor())
		EXPECT_GT(__atomic_load_n(&rounds[0], __ATOMIC_ACQUIRE), before);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_join(t, NULL));
}

static size_t peak_live;

static long fib(long n);

static void *fib_thread(void *arg)
{
	return (void *)(intptr_t)fib((intptr_t)arg);
}

static long fib(long n)
{
	tmm_thread_t *child;
	size_t live = tmm_active_count(), seen = __atomic_load_n(&peak_live, __ATOMIC_RELAXED);
	void *left;

	while (live > seen && !__atomic_compare_exchange_n(&peak_live, &seen, live, 0,
							   __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	if (n < 2)
		return n;
	if (tmm_create(&child, NULL, fib_thread, (void *)(intptr_t)(n - 1)))
		return -1000000;
	long right = fib(n - 2);

	if (tmm_join(child, &left))
		return -1000000;
	return (long)(intptr_t)left + right;
}

TEST_F(rt, fork_join_tree_runs_depth_first)
{
	/* fib(16): 1,596 threads in all. */
	EXPECT_EQ(987, fib(16));
	/*
	 * Where threads share a kernel thread, a new thread and then its
	 * joiner run next: the live threads are one branch of the tree, not a
	 * whole level of it (breadth first, hundreds would be alive at once).
	 */
	if (one_processor())
		EXPECT_LE(peak_live, (size_t)64) TH_LOG("peak %zu live threads", peak_live);
}

static void *sleep_for(void *arg)
{
	uint64_t ns = (uint64_t)(uintptr_t)arg, start = now_ns();

	if (tmm_sleep_ns(ns))
		return (void *)(uintptr_t)-1;
	return (void *)(uintptr_t)(now_ns() - start);
}

TEST_F(rt, sleep_never_returns_early)
{
	const uint64_t ns[] = {1, 100000, 2 * MS, 15 * MS, 7 * MS, 30 * MS};
	tmm_thread_t *t[6];
	void *slept;

	for (int i = 0; i < 6; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, sleep_for, (void *)(uintptr_t)ns[i]));
	for (int i = 0; i < 6; i++) {
		ASSERT_EQ(0, tmm_join(t[i], &slept));
		EXPECT_GE((uint64_t)(uintptr_t)slept, ns[i]);
	}
	EXPECT_EQ(0, tmm_sleep_ns(0));
}

static int ticks;

static void *ticker(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
		tmm_sleep_ns(MS / 4);
	}
	return arg;
}

TEST_F(rt, sleep_parks_only_the_caller)
{
	tmm_thread_t *t;
	int before;

	ASSERT_EQ(0, tmm_create(&t, NULL, ticker, NULL));
	while (!__atomic_load_n(&ticks, __ATOMIC_ACQUIRE))
		tmm_yield();
	before = __atomic_load_n(&ticks, __ATOMIC_ACQUIRE);
	tmm_sleep_ns(40 * MS);
	EXPECT_GT(__atomic_load_n(&ticks, __ATOMIC_ACQUIRE), before);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(0, tmm_join(t, NULL));
}

static int busy_done;

static void *busy(void *arg)
{
	volatile uint64_t x = 0;

	for (uint64_t i = 0; i < 20000000; i++)
		x += i;
	__atomic_fetch_add(&busy_done, 1, __ATOMIC_RELAXED);
	return arg;
}

/* Work stealing: threads created on one worker end up on all of them. */
TEST_F(rt, cpu_bound_threads_all_finish)
{
	tmm_thread_t *t[8];

	for (int i = 0; i < 8; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, busy, NULL));
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(0, tmm_join(t[i], NULL));
	EXPECT_EQ(8, busy_done);
}

static int lone_ran;

static void *note_ran(void *arg)
{
	__atomic_store_n(&lone_ran, 1, __ATOMIC_RELEASE);
	return arg;
}

/*
 * A thread queued behind one that never switches runs elsewhere: M:N leaves
 * a processor's lone queued thread to its owner only while the owner keeps
 * switching, then an idle worker takes it.
 */
TEST_F(rt, lone_thread_runs_beside_a_creator_that_never_switches)
{
	const char *kthreads = getenv("TMM_KTHREADS");
	uint64_t deadline = now_ns() + 2000 * MS;
	tmm_thread_t *t;

	if (one_processor() || (!kthreads && sysconf(_SC_NPROCESSORS_ONLN) < 2))
		SKIP(return, "one processor: the thread waits for main by design");
	ASSERT_EQ(0, tmm_create(&t, NULL, note_ran, NULL));
	while (!__atomic_load_n(&lone_ran, __ATOMIC_ACQUIRE) && now_ns() < deadline)
		; /* no tmm call: main's processor never switches */
	EXPECT_EQ(1, __atomic_load_n(&lone_ran, __ATOMIC_ACQUIRE));
	ASSERT_EQ(0, tmm_join(t, NULL));
}

/*
 * The same after a create+join loop, where the owner ran every new thread
 * itself and M:N stops waking idle workers for such lone threads: the
 * monitor still wakes one for a thread left behind a creator that computes.
 */
TEST_F(rt, lone_thread_runs_beside_a_creator_that_stops_switching_after_create_join)
{
	const char *kthreads = getenv("TMM_KTHREADS");
	uint64_t deadline;
	tmm_thread_t *t;

	if (one_processor() || (!kthreads && sysconf(_SC_NPROCESSORS_ONLN) < 2))
		SKIP(return, "one processor: the thread waits for main by design");
	for (int i = 0; i < 20000; i++) {
		ASSERT_EQ(0, tmm_create(&t, NULL, nothing, NULL));
		ASSERT_EQ(0, tmm_join(t, NULL));
	}
	deadline = now_ns() + 2000 * MS;
	ASSERT_EQ(0, tmm_create(&t, NULL, note_ran, NULL));
	while (!__atomic_load_n(&lone_ran, __ATOMIC_ACQUIRE) && now_ns() < deadline)
		; /* no tmm call: main's processor never switches */
	EXPECT_EQ(1, __atomic_load_n(&lone_ran, __ATOMIC_ACQUIRE));
	ASSERT_EQ(0, tmm_join(t, NULL));
}

static int partner_stop;
static long partner_yields;

static void *yield_partner(void *arg)
{
	while (!__atomic_load_n(&partner_stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&partner_yields, 1, __ATOMIC_RELAXED);
		tmm_yield();
	}
	return arg;
}

/*
 * Two threads yielding to each other on one processor, then one stops
 * switching: the other, waiting for its turn (under M:N in a slot of its
 * processor), goes on beside it on another kernel thread.
 */
TEST_F(rt, yield_partner_runs_beside_a_thread_that_stops_switching)
{
	const char *kthreads = getenv("TMM_KTHREADS");
	uint64_t deadline = now_ns() + 2000 * MS;
	tmm_thread_t *t;
	long before;

	if (one_processor() || (!kthreads && sysconf(_SC_NPROCESSORS_ONLN) < 2))
		SKIP(return, "one processor: the partner waits for main by design");
	ASSERT_EQ(0, tmm_create(&t, NULL, yield_partner, NULL));
	for (int i = 0; i < 10000; i++)
		tmm_yield();
	/* Under 1:1 a new kernel thread may take milliseconds to get a CPU. */
	while (!__atomic_load_n(&partner_yields, __ATOMIC_ACQUIRE) && now_ns() < deadline)
		tmm_yield();
	EXPECT_GT(__atomic_load_n(&partner_yields, __ATOMIC_ACQUIRE), 0);
	before = __atomic_load_n(&partner_yields, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&partner_yields, __ATOMIC_ACQUIRE) < before + 1000 &&
	       now_ns() < deadline)
		; /* no tmm call: main's processor never switches */
	EXPECT_GE(__atomic_load_n(&partner_yields, __ATOMIC_ACQUIRE), before + 1000);
	__atomic_store_n(&partner_stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_join(t, NULL));
}

#if defined(__x86_64__)
/*
 * The SSE control register and the x87 control word: their rounding modes
 * are part of a thread's state.  A switch reloads them only where the two
 * threads' differ, so threads here differ in one, the other, both or none.
 */
static unsigned int get_mxcsr(void)
{
	unsigned int v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_mxcsr(unsigned int v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static unsigned short get_x87_cw(void)
{
	unsigned short v;

	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

static void set_x87_cw(unsigned short v)
{
	__asm__ volatile("fldcw %0" : : "m"(v));
}

#define MXCSR_ROUNDING 0x6000u
#define MXCSR_ROUND_UP 0x4000u
#define X87_ROUNDING 0x0c00u
#define X87_ROUND_DOWN 0x0400u
#define CHANGE_MXCSR 1
#define CHANGE_X87 2

/* Counts the yields after which a control register was not what this thread set. */
static void *keep_fp_control(void *arg)
{
	intptr_t change = (intptr_t)arg, changed = 0;
	unsigned int mxcsr = get_mxcsr();
	unsigned short cw = get_x87_cw();

	if (change & CHANGE_MXCSR)
		mxcsr = (mxcsr & ~MXCSR_ROUNDING) | MXCSR_ROUND_UP;
	if (change & CHANGE_X87)
		cw = (unsigned short)((cw & ~X87_ROUNDING) | X87_ROUND_DOWN);
	set_mxcsr(mxcsr);
	set_x87_cw(cw);
	for (int i = 0; i < 500; i++) {
		tmm_yield();
		changed += get_mxcsr() != mxcsr || get_x87_cw() != cw;
	}
	return (void *)changed;
}

TEST_F(rt, floating_point_control_stays_with_its_thread)
{
	unsigned int main_mxcsr = get_mxcsr();
	unsigned short main_cw = get_x87_cw();
	/* In turn, neighbours differ in the x87 word only, then in the MXCSR only. */
	static const intptr_t order[] = {0, CHANGE_X87, CHANGE_X87 | CHANGE_MXCSR, CHANGE_MXCSR};
	tmm_thread_t *t[8];
	void *changed;

	for (intptr_t i = 0; i < 8; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, keep_fp_control, (void *)order[i % 4]));
	for (int i = 0; i < 8; i++) {
		ASSERT_EQ(0, tmm_join(t[i], &changed));
		EXPECT_EQ(0, (intptr_t)changed) TH_LOG("thread %d", i);
	}
	EXPECT_EQ(main_mxcsr, get_mxcsr());
	EXPECT_EQ(main_cw, get_x87_cw());
}
#endif

TEST_HARNESS_MAIN
