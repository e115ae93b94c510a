// tmm_join_timeout (Python's Thread.join(timeout)): the result of a thread
// that ends in time, ETIMEDOUT for one that does not, which stays joinable
// (or detachable), the errors join has, and timed joins racing exits.
#include <errno.h>
#include <stdint.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static void *nap_then_return(void *arg)
{
	tmm_sleep_ns(2 * MS);
	return arg;
}

TEST_F(rt, returns_the_result_of_a_thread_that_ends_in_time)
{
	tmm_thread_t *t;
	void *ret = NULL;
	uint64_t t0;

	ASSERT_EQ(0, tmm_create(&t, NULL, nap_then_return, (void *)0x51));
	t0 = now_ns();
	ASSERT_EQ(0, tmm_join_timeout(t, &ret, 10000 * MS));
	EXPECT_LT(now_ns() - t0, 5000 * MS);
	EXPECT_EQ((void *)0x51, ret);
	EXPECT_EQ(1u, tmm_active_count());
}

static void *wait_for_event(void *arg)
{
	tmm_event_wait(arg);
	return (void *)0x77;
}

TEST_F(rt, times_out_and_the_thread_stays_joinable)
{
	tmm_event_t go;
	tmm_thread_t *t;
	void *ret = NULL;
	uint64_t t0;

	ASSERT_EQ(0, tmm_event_init(&go));
	ASSERT_EQ(0, tmm_create(&t, NULL, wait_for_event, &go));
	t0 = now_ns();
	EXPECT_EQ(ETIMEDOUT, tmm_join_timeout(t, &ret, 5 * MS));
	EXPECT_GE(now_ns() - t0, 5 * MS);
	EXPECT_EQ(ETIMEDOUT, tmm_join_timeout(t, &ret, 0));
	EXPECT_EQ(NULL, ret);
	EXPECT_NE((int)TMM_TERMINATED, (int)tmm_thread_state(t));
	ASSERT_EQ(0, tmm_event_set(&go));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ((void *)0x77, ret);
	EXPECT_EQ(0, tmm_event_destroy(&go));
}

TEST_F(rt, a_thread_that_timed_out_can_be_detached)
{
	tmm_event_t go;
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_event_init(&go));
	ASSERT_EQ(0, tmm_create(&t, NULL, wait_for_event, &go));
	EXPECT_EQ(ETIMEDOUT, tmm_join_timeout(t, NULL, MS));
	EXPECT_EQ(0, tmm_detach(t));
	ASSERT_EQ(0, tmm_event_set(&go));
	for (int i = 0; i < 5000 && tmm_active_count() > 1; i++)
		tmm_sleep_ns(MS / 10);
	EXPECT_EQ(1u, tmm_active_count());
}

TEST_F(rt, an_ended_thread_is_joined_with_a_zero_timeout)
{
	tmm_thread_t *t;
	void *ret = NULL;

	ASSERT_EQ(0, tmm_create(&t, NULL, nap_then_return, (void *)0x33));
	for (int i = 0; i < 5000 && tmm_thread_state(t) != TMM_TERMINATED; i++)
		tmm_sleep_ns(MS / 10);
	ASSERT_EQ(0, tmm_join_timeout(t, &ret, 0));
	EXPECT_EQ((void *)0x33, ret);
}

static void *join_main(void *main_thread)
{
	return (void *)(intptr_t)tmm_join_timeout(main_thread, NULL, MS);
}

TEST_F(rt, the_errors_of_join)
{
	struct tmm_attr detached = {.detached = 1};
	tmm_event_t go;
	tmm_thread_t *t, *j;
	void *ret = NULL;

	EXPECT_EQ(EINVAL, tmm_join_timeout(NULL, NULL, MS));
	EXPECT_EQ(EDEADLK, tmm_join_timeout(tmm_self(), NULL, MS));
	ASSERT_EQ(0, tmm_create(&j, NULL, join_main, tmm_self()));
	ASSERT_EQ(0, tmm_join(j, &ret));
	EXPECT_EQ(EINVAL, (intptr_t)ret);

	ASSERT_EQ(0, tmm_event_init(&go));
	ASSERT_EQ(0, tmm_create(&t, &detached, wait_for_event, &go));
	EXPECT_EQ(EINVAL, tmm_join_timeout(t, NULL, MS));
	ASSERT_EQ(0, tmm_event_set(&go));
	for (int i = 0; i < 5000 && tmm_active_count() > 1; i++)
		tmm_sleep_ns(MS / 10);
	EXPECT_EQ(0, tmm_event_destroy(&go));
}

static tmm_event_t hold;

static void *held_joiner(void *target)
{
	return (void *)(intptr_t)tmm_join_timeout(target, NULL, 10000 * MS);
}

TEST_F(rt, a_second_joiner_during_a_timed_join_is_einval)
{
	tmm_thread_t *t, *j;
	void *ret = NULL;

	ASSERT_EQ(0, tmm_event_init(&hold));
	ASSERT_EQ(0, tmm_create(&t, NULL, wait_for_event, &hold));
	ASSERT_EQ(0, tmm_create(&j, NULL, held_joiner, t));
	for (int i = 0; i < 5000 && tmm_thread_state(j) != TMM_BLOCKED; i++)
		tmm_sleep_ns(MS / 10);
	EXPECT_EQ(EINVAL, tmm_join_timeout(t, NULL, MS));
	EXPECT_EQ(EINVAL, tmm_join(t, NULL));
	EXPECT_EQ(EINVAL, tmm_detach(t));
	ASSERT_EQ(0, tmm_event_set(&hold));
	ASSERT_EQ(0, tmm_join(j, &ret));
	EXPECT_EQ(0, (intptr_t)ret);
	EXPECT_EQ(0, tmm_event_destroy(&hold));
}

#define RACES 400

/* Lives 0 to 0.6 ms, or only yields: its exit lands anywhere in a timed join. */
static void *short_life(void *arg)
{
	intptr_t i = (intptr_t)arg;

	if (i % 3)
		tmm_sleep_ns((uint64_t)(i % 7) * MS / 10);
	else
		tmm_yield();
	return (void *)(i + 1);
}

/*
 * Timed joins with timeouts near the threads' lifetimes, retried until they
 * succeed: every result arrives once, no thread is left behind, and some
 * joins did time out on the way.
 */
TEST_F(rt, timed_joins_racing_exits_lose_nothing)
{
	long timeouts = 0;

	for (intptr_t i = 0; i < RACES; i++) {
		tmm_thread_t *t;
		void *ret = NULL;
		int rc;

		ASSERT_EQ(0, tmm_create(&t, NULL, short_life, (void *)i));
		while ((rc = tmm_join_timeout(t, &ret, (uint64_t)(1 + i % 5) * MS / 20)) ==
		       ETIMEDOUT)
			timeouts++;
		ASSERT_EQ(0, rc);
		ASSERT_EQ((void *)(i + 1), ret);
	}
	EXPECT_GT(timeouts, 0);
	EXPECT_EQ(1u, tmm_active_count());
}

TEST_HARNESS_MAIN
