// Processors and binding, under every model: how many processors there are,
// which one the caller runs on, and that a thread bound to one runs there
// only: across yields and sleeps, when a thread on another processor wakes
// it, and while another processor sits idle and would steal it.  Threads
// start unbound; a processor out of range is EINVAL.
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static int process_cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) ? -1 : CPU_COUNT(&set);
}

TEST(no_processors_outside_a_runtime)
{
	EXPECT_EQ(0u, tmm_processor_count());
	EXPECT_EQ(-1, tmm_current_processor());
	EXPECT_EQ(EINVAL, tmm_bind_processor(0));
}

TEST_F(rt, count_and_current_processor)
{
	unsigned int n = tmm_processor_count();
	const char *kthreads = getenv("TMM_KTHREADS");
	int cur = tmm_current_processor();

	ASSERT_GE(n, 1u);
	if (tmm_current_model() == TMM_M1)
		EXPECT_EQ(1u, n);
	if (tmm_current_model() == TMM_1TO1)
		EXPECT_EQ(process_cpus(), (int)n);
	if (tmm_current_model() == TMM_MN && kthreads)
		EXPECT_EQ(strtoul(kthreads, NULL, 10), n);
	EXPECT_GE(cur, 0);
	EXPECT_LT(cur, (int)n);
}

TEST_F(rt, processor_out_of_range_is_einval)
{
	int n = (int)tmm_processor_count();

	EXPECT_EQ(EINVAL, tmm_bind_processor(n));
	EXPECT_EQ(EINVAL, tmm_bind_processor(n + 100));
	EXPECT_EQ(EINVAL, tmm_bind_processor(-2));
	EXPECT_EQ(EINVAL, tmm_bind_processor(INT_MIN));
	EXPECT_EQ(0, tmm_bind_processor(-1));
}

TEST_F(rt, bound_caller_stays_on_its_processor)
{
	int n = (int)tmm_processor_count(), misplaced = 0;

	for (int p = 0; p < n; p++) {
		ASSERT_EQ(0, tmm_bind_processor(p));
		EXPECT_EQ(p, tmm_current_processor());
		for (int i = 0; i < 300; i++) {
			if (i % 30 == 0)
				tmm_sleep_ns(100 * 1000);
			else
				tmm_yield();
			misplaced += tmm_current_processor() != p;
		}
	}
	EXPECT_EQ(0, misplaced);
	EXPECT_EQ(0, tmm_bind_processor(-1));
}

#define ROUNDS 2000

struct pingpong {
	tmm_mutex_t m;
	tmm_cond_t c;
	int turn;
	int misplaced[2];
};

static struct pingpong pp = {TMM_MUTEX_INITIALIZER, TMM_COND_INITIALIZER, 0, {0, 0}};

/* Player @arg, bound to a processor of its own where there are two. */
static void *player(void *arg)
{
	int me = (int)(intptr_t)arg, where = me % (int)tmm_processor_count();

	if (tmm_bind_processor(where))
		return (void *)1;
	for (int i = 0; i < ROUNDS; i++) {
		tmm_mutex_lock(&pp.m);
		while (pp.turn != me)
			tmm_cond_wait(&pp.c, &pp.m);
		pp.misplaced[me] += tmm_current_processor() != where;
		pp.turn = !me;
		tmm_cond_signal(&pp.c);
		tmm_mutex_unlock(&pp.m);
	}
	return NULL;
}

TEST_F(rt, threads_woken_from_another_processor_run_on_their_own)
{
	tmm_thread_t *t[2];
	void *ret[2];

	for (intptr_t i = 0; i < 2; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, player, (void *)i));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, tmm_join(t[i], &ret[i]));
		EXPECT_EQ(NULL, ret[i]);
		EXPECT_EQ(0, pp.misplaced[i]);
	}
}

#define SPINNERS 4

static int spin_misplaced;

/* Bound to processor 0, computes for 20 ms, yielding now and then. */
static void *bound_spinner(void *arg)
{
	struct timespec start, now;
	int misplaced = 0;

	(void)arg;
	if (tmm_bind_processor(0))
		return (void *)1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (volatile int i = 0; i < 20000; i++)
			;
		tmm_yield();
		misplaced += tmm_current_processor() != 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000000000ll + now.tv_nsec - start.tv_nsec <
		 20 * (long long)MS);
	__atomic_fetch_add(&spin_misplaced, misplaced, __ATOMIC_RELAXED);
	return NULL;
}

/* Unbound, several threads queued on one processor would spread to the idle ones. */
TEST_F(rt, idle_processors_do_not_steal_bound_threads)
{
	tmm_thread_t *t[SPINNERS];

	for (int i = 0; i < SPINNERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, bound_spinner, NULL));
	for (int i = 0; i < SPINNERS; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(0, spin_misplaced);
}

static int child_ran_on = -2;

static void *report_processor(void *arg)
{
	(void)arg;
	if (tmm_current_model() == TMM_1TO1) {
		cpu_set_t set;

		/* Pinned like its creator, it would have one CPU. */
		if (sched_getaffinity(0, sizeof(set), &set) || CPU_COUNT(&set) != process_cpus())
			return (void *)1;
	}
	__atomic_store_n(&child_ran_on, tmm_current_processor(), __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(rt, threads_start_unbound)
{
	struct timespec start, now;
	tmm_thread_t *t;
	void *ret;

	ASSERT_EQ(0, tmm_bind_processor(0));
	ASSERT_EQ(0, tmm_create(&t, NULL, report_processor, NULL));
	/*
	 * Where there is another processor, main computes without yielding:
	 * the child, queued on processor 0, runs only if another processor
	 * takes it, which a bound child would forbid.
	 */
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (tmm_processor_count() > 1 &&
	       __atomic_load_n(&child_ran_on, __ATOMIC_ACQUIRE) == -2) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 2)
			break;
	}
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(NULL, ret);
	if (tmm_processor_count() > 1 && tmm_current_model() == TMM_MN)
		EXPECT_EQ(1, child_ran_on);
	/* The child's exit woke main from processor 1: main is back on its own. */
	EXPECT_EQ(0, tmm_current_processor());
	EXPECT_EQ(0, tmm_bind_processor(-1));
}

TEST_HARNESS_MAIN
