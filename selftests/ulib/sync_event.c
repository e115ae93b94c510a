// tmm_event_t (Python's threading.Event): the flag, timeouts, and set waking
// every waiter.
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static void wait_blocked(tmm_thread_t *t)
{
	for (int i = 0; i < 5000 && tmm_thread_state(t) != TMM_BLOCKED; i++)
		tmm_sleep_ns(MS / 10);
}

TEST_F(rt, flag_follows_set_and_clear)
{
	tmm_event_t e;

	ASSERT_EQ(0, tmm_event_init(&e));
	EXPECT_EQ(0, tmm_event_is_set(&e));
	EXPECT_EQ(0, tmm_event_set(&e));
	EXPECT_EQ(1, tmm_event_is_set(&e));
	EXPECT_EQ(0, tmm_event_wait(&e));
	EXPECT_EQ(0, tmm_event_timedwait(&e, 0));
	EXPECT_EQ(0, tmm_event_set(&e)); /* setting twice is fine */
	EXPECT_EQ(0, tmm_event_clear(&e));
	EXPECT_EQ(0, tmm_event_is_set(&e));
	EXPECT_EQ(0, tmm_event_destroy(&e));
}

TEST_F(rt, timedwait_on_a_clear_event_times_out)
{
	tmm_event_t e;
	const uint64_t timeout = 20 * MS;

	ASSERT_EQ(0, tmm_event_init(&e));
	uint64_t start = now_ns();

	EXPECT_EQ(ETIMEDOUT, tmm_event_timedwait(&e, timeout));
	EXPECT_GE(now_ns() - start, timeout);
	EXPECT_EQ(0, tmm_event_destroy(&e));
}

TEST_F(rt, bad_arguments_are_einval)
{
	tmm_event_t e, zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	EXPECT_EQ(EINVAL, tmm_event_init(NULL));
	EXPECT_EQ(EINVAL, tmm_event_set(NULL));
	EXPECT_EQ(EINVAL, tmm_event_clear(&zeroed));
	EXPECT_EQ(EINVAL, tmm_event_is_set(&zeroed));
	EXPECT_EQ(EINVAL, tmm_event_wait(NULL));
	EXPECT_EQ(EINVAL, tmm_event_timedwait(&zeroed, MS));
	EXPECT_EQ(EINVAL, tmm_event_destroy(NULL));
	ASSERT_EQ(0, tmm_event_init(&e));
	ASSERT_EQ(0, tmm_event_destroy(&e));
	EXPECT_EQ(EINVAL, tmm_event_set(&e));
	EXPECT_EQ(EINVAL, tmm_event_wait(&e));
}

static void *wait_event(void *e)
{
	return (void *)(intptr_t)tmm_event_wait(e);
}

#define WAITERS 16

TEST_F(rt, set_wakes_every_waiter_even_if_cleared_at_once)
{
	tmm_event_t e;
	tmm_thread_t *t[WAITERS];

	ASSERT_EQ(0, tmm_event_init(&e));
	for (int i = 0; i < WAITERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, wait_event, &e));
	for (int i = 0; i < WAITERS; i++)
		wait_blocked(t[i]);
	EXPECT_EQ(EBUSY, tmm_event_destroy(&e));
	EXPECT_EQ(0, tmm_event_set(&e));
	EXPECT_EQ(0, tmm_event_clear(&e));
	for (int i = 0; i < WAITERS; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(0, tmm_event_destroy(&e));
}

static void *set_later(void *e)
{
	tmm_sleep_ns(2 * MS);
	return (void *)(intptr_t)tmm_event_set(e);
}

TEST_F(rt, main_waits_for_a_thread_to_set)
{
	tmm_event_t e;
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_event_init(&e));
	ASSERT_EQ(0, tmm_create(&t, NULL, set_later, &e));
	EXPECT_EQ(0, tmm_event_wait(&e));
	EXPECT_EQ(1, tmm_event_is_set(&e));
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(0, tmm_event_destroy(&e));
}

TEST_HARNESS_MAIN
