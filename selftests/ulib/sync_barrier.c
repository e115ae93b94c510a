// tmm_barrier_t: nobody passes before all arrive, one serial thread per
// round, reuse across rounds.
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

TEST_F(rt, bad_arguments_are_einval)
{
	tmm_barrier_t b, zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	EXPECT_EQ(EINVAL, tmm_barrier_init(&b, 0));
	EXPECT_EQ(EINVAL, tmm_barrier_init(NULL, 2));
	EXPECT_EQ(EINVAL, tmm_barrier_wait(NULL));
	EXPECT_EQ(EINVAL, tmm_barrier_wait(&zeroed));
	EXPECT_EQ(EINVAL, tmm_barrier_destroy(NULL));
	ASSERT_EQ(0, tmm_barrier_init(&b, 1));
	ASSERT_EQ(0, tmm_barrier_destroy(&b));
	EXPECT_EQ(EINVAL, tmm_barrier_wait(&b));
	EXPECT_EQ(EINVAL, tmm_barrier_destroy(&b));
}

TEST_F(rt, a_barrier_of_one_never_waits)
{
	tmm_barrier_t b;

	ASSERT_EQ(0, tmm_barrier_init(&b, 1));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(TMM_BARRIER_SERIAL_THREAD, tmm_barrier_wait(&b));
	EXPECT_EQ(0, tmm_barrier_destroy(&b));
}

static void *wait_barrier(void *b)
{
	return (void *)(intptr_t)tmm_barrier_wait(b);
}

TEST_F(rt, main_and_a_thread_meet)
{
	tmm_barrier_t b;
	tmm_thread_t *t;
	void *ret;

	ASSERT_EQ(0, tmm_barrier_init(&b, 2));
	ASSERT_EQ(0, tmm_create(&t, NULL, wait_barrier, &b));
	for (int i = 0; i < 5000 && tmm_thread_state(t) != TMM_BLOCKED; i++)
		tmm_sleep_ns(MS / 10);
	EXPECT_EQ(EBUSY, tmm_barrier_destroy(&b)); /* one thread waits in it */
	int mine = tmm_barrier_wait(&b);

	ASSERT_EQ(0, tmm_join(t, &ret));
	/* Exactly one of the two is the serial thread. */
	EXPECT_EQ(TMM_BARRIER_SERIAL_THREAD, mine + (int)(intptr_t)ret);
	EXPECT_EQ(0, tmm_barrier_destroy(&b));
}

#define THREADS 8
#define ROUNDS 1000

struct rounds {
	tmm_barrier_t b;
	int arrived;	    /* atomic: arrivals so far, all rounds */
	int serial[ROUNDS]; /* atomic: serial threads per round */
	int early;	    /* atomic: threads that passed too soon */
};

static void *run_rounds(void *arg)
{
	struct rounds *r = arg;

	for (int round = 0; round < ROUNDS; round++) {
		__atomic_add_fetch(&r->arrived, 1, __ATOMIC_SEQ_CST);
		int rc = tmm_barrier_wait(&r->b);

		if (rc == TMM_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&r->serial[round], 1, __ATOMIC_SEQ_CST);
		else if (rc != 0)
			return (void *)1;
		/* Everyone of this round has arrived before anyone leaves. */
		if (__atomic_load_n(&r->arrived, __ATOMIC_SEQ_CST) < (round + 1) * THREADS)
			__atomic_add_fetch(&r->early, 1, __ATOMIC_SEQ_CST);
	}
	return 0;
}

TEST_F(rt, rounds_of_many_threads)
{
	struct rounds r;
	tmm_thread_t *t[THREADS - 1];

	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, tmm_barrier_init(&r.b, THREADS));
	for (int i = 0; i < THREADS - 1; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, run_rounds, &r));
	EXPECT_EQ(NULL, run_rounds(&r)); /* main is one of them */
	for (int i = 0; i < THREADS - 1; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(0, r.early);
	for (int round = 0; round < ROUNDS; round++)
		EXPECT_EQ(1, r.serial[round]);
	EXPECT_EQ(0, tmm_barrier_destroy(&r.b));
}

TEST_HARNESS_MAIN
