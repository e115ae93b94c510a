// tmm_cond_t: waits reacquire the mutex (timeouts included), signal and
// broadcast wake waiters, and the error returns.
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

struct shared {
	tmm_mutex_t m;
	tmm_cond_t c;
	int ready;    /* predicate, under m */
	int waiting;  /* threads inside the wait loop, under m */
	int finished; /* threads that saw ready, under m */
};

static void shared_init(struct __test_metadata *_metadata, struct shared *s)
{
	memset(s, 0, sizeof(*s));
	ASSERT_EQ(0, tmm_mutex_init(&s->m, 0));
	ASSERT_EQ(0, tmm_cond_init(&s->c));
}

/* Waits for ready, the textbook way. */
static void *wait_ready(void *arg)
{
	struct shared *s = arg;
	intptr_t rc = 0;

	tmm_mutex_lock(&s->m);
	s->waiting++;
	while (!s->ready && rc == 0)
		rc = tmm_cond_wait(&s->c, &s->m);
	s->finished++;
	tmm_mutex_unlock(&s->m);
	return (void *)rc;
}

/* Lets every thread reach its wait, without busy-waiting. */
static void wait_for_waiters(struct shared *s, int n)
{
	for (;;) {
		tmm_mutex_lock(&s->m);
		int w = s->waiting;

		tmm_mutex_unlock(&s->m);
		if (w >= n)
			return;
		tmm_sleep_ns(MS / 10);
	}
}

TEST_F(rt, timedwait_times_out_and_still_holds_the_mutex)
{
	struct shared s;
	const uint64_t timeout = 20 * MS;

	shared_init(_metadata, &s);
	ASSERT_EQ(0, tmm_mutex_lock(&s.m));
	uint64_t start = now_ns();

	EXPECT_EQ(ETIMEDOUT, tmm_cond_timedwait(&s.c, &s.m, timeout));
	EXPECT_GE(now_ns() - start, timeout);
	EXPECT_EQ(0, tmm_mutex_unlock(&s.m)); /* we held it again */
	EXPECT_EQ(0, tmm_cond_destroy(&s.c));
	EXPECT_EQ(0, tmm_mutex_destroy(&s.m));
}

TEST_F(rt, a_signal_is_not_remembered)
{
	struct shared s;

	shared_init(_metadata, &s);
	ASSERT_EQ(0, tmm_cond_signal(&s.c));
	ASSERT_EQ(0, tmm_cond_broadcast(&s.c));
	ASSERT_EQ(0, tmm_mutex_lock(&s.m));
	EXPECT_EQ(ETIMEDOUT, tmm_cond_timedwait(&s.c, &s.m, MS));
	EXPECT_EQ(0, tmm_mutex_unlock(&s.m));
}

TEST_F(rt, waiting_without_the_mutex_is_eperm)
{
	struct shared s;

	shared_init(_metadata, &s);
	EXPECT_EQ(EPERM, tmm_cond_wait(&s.c, &s.m));
	EXPECT_EQ(EPERM, tmm_cond_timedwait(&s.c, &s.m, MS));
}

TEST_F(rt, timedwait_restores_a_recursive_depth)
{
	tmm_mutex_t m;
	tmm_cond_t c = TMM_COND_INITIALIZER;

	ASSERT_EQ(0, tmm_mutex_init(&m, TMM_MUTEX_RECURSIVE));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(ETIMEDOUT, tmm_cond_timedwait(&c, &m, MS));
	EXPECT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(EPERM, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_cond_destroy(&c));
}

TEST_F(rt, bad_arguments_are_einval)
{
	struct shared s;
	tmm_cond_t zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	shared_init(_metadata, &s);
	ASSERT_EQ(0, tmm_mutex_lock(&s.m));
	EXPECT_EQ(EINVAL, tmm_cond_init(NULL));
	EXPECT_EQ(EINVAL, tmm_cond_wait(NULL, &s.m));
	EXPECT_EQ(EINVAL, tmm_cond_wait(&s.c, NULL));
	EXPECT_EQ(EINVAL, tmm_cond_timedwait(&zeroed, &s.m, MS));
	EXPECT_EQ(EINVAL, tmm_cond_signal(NULL));
	EXPECT_EQ(EINVAL, tmm_cond_broadcast(&zeroed));
	EXPECT_EQ(EINVAL, tmm_cond_destroy(NULL));
	EXPECT_EQ(0, tmm_cond_destroy(&s.c));
	EXPECT_EQ(EINVAL, tmm_cond_signal(&s.c));
	EXPECT_EQ(EINVAL, tmm_cond_wait(&s.c, &s.m));
	EXPECT_EQ(0, tmm_mutex_unlock(&s.m));
}

TEST_F(rt, signal_wakes_a_thread_waiting_on_main)
{
	struct shared s;
	tmm_thread_t *t;
	void *ret;

	shared_init(_metadata, &s);
	ASSERT_EQ(0, tmm_create(&t, NULL, wait_ready, &s));
	wait_for_waiters(&s, 1);
	tmm_mutex_lock(&s.m);
	EXPECT_EQ(EBUSY, tmm_cond_destroy(&s.c)); /* it waits on it */
	s.ready = 1;
	EXPECT_EQ(0, tmm_cond_signal(&s.c));
	tmm_mutex_unlock(&s.m);
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(0, tmm_cond_destroy(&s.c));
}

static void *make_ready(void *arg)
{
	struct shared *s = arg;

	tmm_sleep_ns(2 * MS);
	tmm_mutex_lock(&s->m);
	s->ready = 1;
	tmm_cond_signal(&s->c);
	tmm_mutex_unlock(&s->m);
	return 0;
}

TEST_F(rt, timedwait_returns_0_when_signalled_in_time)
{
	struct shared s;
	tmm_thread_t *t;
	int rc = 0;

	shared_init(_metadata, &s);
	ASSERT_EQ(0, tmm_create(&t, NULL, make_ready, &s));
	tmm_mutex_lock(&s.m);
	while (!s.ready && rc == 0)
		rc = tmm_cond_timedwait(&s.c, &s.m, 10000 * MS);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(1, s.ready);
	EXPECT_EQ(0, tmm_mutex_unlock(&s.m));
	ASSERT_EQ(0, tmm_join(t, NULL));
}

TEST_F(rt, main_waits_for_a_thread_to_signal)
{
	struct shared s;
	tmm_thread_t *t;

	shared_init(_metadata, &s);
	ASSERT_EQ(0, tmm_create(&t, NULL, make_ready, &s));
	EXPECT_EQ(NULL, wait_ready(&s));
	EXPECT_EQ(1, s.ready);
	ASSERT_EQ(0, tmm_join(t, NULL));
}

#define WAITERS 16

TEST_F(rt, broadcast_wakes_every_waiter)
{
	struct shared s;
	tmm_thread_t *t[WAITERS];

	shared_init(_metadata, &s);
	for (int i = 0; i < WAITERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, wait_ready, &s));
	wait_for_waiters(&s, WAITERS);
	tmm_mutex_lock(&s.m);
	s.ready = 1;
	EXPECT_EQ(0, tmm_cond_broadcast(&s.c));
	tmm_mutex_unlock(&s.m);
	for (int i = 0; i < WAITERS; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(WAITERS, s.finished);
}

TEST_F(rt, signal_wakes_one_waiter_at_a_time)
{
	struct shared s;
	tmm_thread_t *t[WAITERS];

	shared_init(_metadata, &s);
	for (int i = 0; i < WAITERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, wait_ready, &s));
	wait_for_waiters(&s, WAITERS);
	tmm_mutex_lock(&s.m);
	s.ready = 1;
	tmm_mutex_unlock(&s.m);
	/* One signal per waiter, each after the previous one finished. */
	for (int woken = 1; woken <= WAITERS; woken++) {
		tmm_mutex_lock(&s.m);
		EXPECT_EQ(woken - 1, s.finished);
		tmm_cond_signal(&s.c);
		while (s.finished < woken)
			tmm_cond_timedwait(&s.c, &s.m, MS / 10);
		tmm_mutex_unlock(&s.m);
	}
	for (int i = 0; i < WAITERS; i++)
		ASSERT_EQ(0, tmm_join(t[i], NULL));
	EXPECT_EQ(WAITERS, s.finished);
}

/*
 * A bounded queue of tokens: producers and consumers wait on two conditions,
 * with short timeouts racing the signals.  Every token is consumed once and
 * every timed-out wait came back holding the mutex (the count stays exact).
 */
#define TOKENS 10000
#define PAIRS 4

struct tokens {
	tmm_mutex_t m;
	tmm_cond_t not_empty, not_full;
	int queued, produced, consumed;
};

static void *produce(void *arg)
{
	struct tokens *q = arg;

	for (int i = 0; i < TOKENS; i++) {
		tmm_mutex_lock(&q->m);
		while (q->queued == 4)
			if (tmm_cond_timedwait(&q->not_full, &q->m, 20000) == EPERM)
				return (void *)1;
		q->queued++;
		q->produced++;
		tmm_cond_signal(&q->not_empty);
		tmm_mutex_unlock(&q->m);
	}
	return 0;
}

static void *consume(void *arg)
{
	struct tokens *q = arg;

	for (int i = 0; i < TOKENS; i++) {
		tmm_mutex_lock(&q->m);
		while (q->queued == 0)
			if (tmm_cond_timedwait(&q->not_empty, &q->m, 30000) == EPERM)
				return (void *)1;
		q->queued--;
		q->consumed++;
		tmm_cond_signal(&q->not_full);
		tmm_mutex_unlock(&q->m);
	}
	return 0;
}

TEST_F(rt, timeouts_racing_signals_lose_nothing)
{
	struct tokens q = {.queued = 0};
	tmm_thread_t *t[2 * PAIRS];

	ASSERT_EQ(0, tmm_mutex_init(&q.m, 0));
	ASSERT_EQ(0, tmm_cond_init(&q.not_empty));
	ASSERT_EQ(0, tmm_cond_init(&q.not_full));
	for (int i = 0; i < PAIRS; i++) {
		ASSERT_EQ(0, tmm_create(&t[2 * i], NULL, produce, &q));
		ASSERT_EQ(0, tmm_create(&t[2 * i + 1], NULL, consume, &q));
	}
	for (int i = 0; i < 2 * PAIRS; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(PAIRS * TOKENS, q.produced);
	EXPECT_EQ(PAIRS * TOKENS, q.consumed);
	EXPECT_EQ(0, q.queued);
	EXPECT_EQ(0, tmm_cond_destroy(&q.not_empty));
	EXPECT_EQ(0, tmm_cond_destroy(&q.not_full));
	EXPECT_EQ(0, tmm_mutex_destroy(&q.m));
}

TEST_HARNESS_MAIN
