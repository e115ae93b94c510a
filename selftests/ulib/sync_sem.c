// tmm_sem_t: counting, bounds, timeouts, and tokens passed between threads
// exactly once.
#include <errno.h>
#include <limits.h>
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

TEST_F(rt, counts_down_to_eagain)
{
	tmm_sem_t s;

	ASSERT_EQ(0, tmm_sem_init(&s, 2, 0));
	EXPECT_EQ(0, tmm_sem_trywait(&s));
	EXPECT_EQ(0, tmm_sem_wait(&s));
	EXPECT_EQ(EAGAIN, tmm_sem_trywait(&s));
	EXPECT_EQ(0, tmm_sem_post(&s));
	EXPECT_EQ(0, tmm_sem_timedwait(&s, MS));
	EXPECT_EQ(EAGAIN, tmm_sem_trywait(&s));
	EXPECT_EQ(0, tmm_sem_destroy(&s));
}

TEST_F(rt, timedwait_on_zero_times_out)
{
	tmm_sem_t s;
	const uint64_t timeout = 20 * MS;

	ASSERT_EQ(0, tmm_sem_init(&s, 0, 0));
	uint64_t start = now_ns();

	EXPECT_EQ(ETIMEDOUT, tmm_sem_timedwait(&s, timeout));
	EXPECT_GE(now_ns() - start, timeout);
	EXPECT_EQ(ETIMEDOUT, tmm_sem_timedwait(&s, 0));
	/* A timed-out wait took nothing and left nothing behind. */
	EXPECT_EQ(0, tmm_sem_post(&s));
	EXPECT_EQ(0, tmm_sem_trywait(&s));
	EXPECT_EQ(EAGAIN, tmm_sem_trywait(&s));
}

TEST_F(rt, bounded_post_past_max_is_eoverflow)
{
	tmm_sem_t s;

	ASSERT_EQ(0, tmm_sem_init(&s, 1, 2));
	EXPECT_EQ(0, tmm_sem_post(&s));
	EXPECT_EQ(EOVERFLOW, tmm_sem_post(&s));
	EXPECT_EQ(0, tmm_sem_trywait(&s));
	EXPECT_EQ(0, tmm_sem_trywait(&s));
	EXPECT_EQ(EAGAIN, tmm_sem_trywait(&s));
}

TEST_F(rt, unbounded_stops_at_uint_max)
{
	tmm_sem_t s;

	ASSERT_EQ(0, tmm_sem_init(&s, UINT_MAX - 1, 0));
	EXPECT_EQ(0, tmm_sem_post(&s));
	EXPECT_EQ(EOVERFLOW, tmm_sem_post(&s));
}

TEST_F(rt, bad_arguments_are_einval)
{
	tmm_sem_t s, zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	EXPECT_EQ(EINVAL, tmm_sem_init(&s, 3, 2));
	EXPECT_EQ(EINVAL, tmm_sem_init(NULL, 0, 0));
	EXPECT_EQ(EINVAL, tmm_sem_wait(NULL));
	EXPECT_EQ(EINVAL, tmm_sem_trywait(&zeroed));
	EXPECT_EQ(EINVAL, tmm_sem_timedwait(&zeroed, MS));
	EXPECT_EQ(EINVAL, tmm_sem_post(NULL));
	EXPECT_EQ(EINVAL, tmm_sem_destroy(&zeroed));
	ASSERT_EQ(0, tmm_sem_init(&s, 2, 2)); /* value == max is fine */
	ASSERT_EQ(0, tmm_sem_destroy(&s));
	EXPECT_EQ(EINVAL, tmm_sem_post(&s));
	EXPECT_EQ(EINVAL, tmm_sem_wait(&s));
}

static void *wait_once(void *s)
{
	return (void *)(intptr_t)tmm_sem_wait(s);
}

TEST_F(rt, post_from_main_wakes_a_waiting_thread)
{
	tmm_sem_t s;
	tmm_thread_t *t;
	void *ret;

	ASSERT_EQ(0, tmm_sem_init(&s, 0, 1));
	ASSERT_EQ(0, tmm_create(&t, NULL, wait_once, &s));
	wait_blocked(t);
	EXPECT_EQ(EBUSY, tmm_sem_destroy(&s));
	EXPECT_EQ(0, tmm_sem_post(&s));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(NULL, ret);
	/* The token went to the waiter, not into the count. */
	EXPECT_EQ(EAGAIN, tmm_sem_trywait(&s));
	EXPECT_EQ(0, tmm_sem_destroy(&s));
}

static void *post_later(void *s)
{
	tmm_sleep_ns(2 * MS);
	return (void *)(intptr_t)tmm_sem_post(s);
}

TEST_F(rt, the_longest_timeout_still_wakes_on_post)
{
	tmm_sem_t s;
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_sem_init(&s, 0, 0));
	ASSERT_EQ(0, tmm_create(&t, NULL, post_later, &s));
	EXPECT_EQ(0, tmm_sem_timedwait(&s, UINT64_MAX)); /* saturates, never wraps */
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(0, tmm_sem_destroy(&s));
}

TEST_F(rt, main_waits_for_a_thread_to_post)
{
	tmm_sem_t s;
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_sem_init(&s, 0, 0));
	ASSERT_EQ(0, tmm_create(&t, NULL, post_later, &s));
	EXPECT_EQ(0, tmm_sem_wait(&s));
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(EAGAIN, tmm_sem_trywait(&s));
}

/* Posters and timed waiters racing: every token is taken exactly once. */
#define THREADS 6
#define TOKENS 10000

struct race {
	tmm_sem_t s;
	int taken[THREADS];
};

static void *post_tokens(void *arg)
{
	struct race *r = arg;

	for (int i = 0; i < TOKENS; i++) {
		if (tmm_sem_post(&r->s))
			return (void *)1;
		if (i % 16 == 0)
			tmm_yield();
	}
	return 0;
}

struct taker {
	struct race *race;
	int id;
};

static void *take_tokens(void *arg)
{
	struct taker *t = arg;

	while (t->race->taken[t->id] < TOKENS) {
		int rc = tmm_sem_timedwait(&t->race->s, 20000);

		if (rc == 0)
			t->race->taken[t->id]++;
		else if (rc != ETIMEDOUT)
			return (void *)1;
	}
	return 0;
}

TEST_F(rt, tokens_are_taken_exactly_once)
{
	struct race r = {.taken = {0}};
	struct taker takers[THREADS];
	tmm_thread_t *t[2 * THREADS];

	ASSERT_EQ(0, tmm_sem_init(&r.s, 0, 0));
	for (int i = 0; i < THREADS; i++) {
		takers[i] = (struct taker){&r, i};
		ASSERT_EQ(0, tmm_create(&t[2 * i], NULL, take_tokens, &takers[i]));
		ASSERT_EQ(0, tmm_create(&t[2 * i + 1], NULL, post_tokens, &r));
	}
	for (int i = 0; i < 2 * THREADS; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	/* Each taker stopped at TOKENS, so all THREADS * TOKENS were taken
	 * and none is left over. */
	EXPECT_EQ(EAGAIN, tmm_sem_trywait(&r.s));
	EXPECT_EQ(0, tmm_sem_destroy(&r.s));
}

TEST_HARNESS_MAIN
