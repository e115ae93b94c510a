// Threads libtmm did not create (plain pthreads) can wake tmm threads —
// post, set, signal, send — but cannot wait or own a lock (EPERM).
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

struct objects {
	tmm_mutex_t m;
	tmm_sem_t s;
	tmm_event_t e;
	tmm_barrier_t b;
	tmm_rwlock_t l;
	tmm_chan_t *ch;
	int errors[16];
};

static void *refuse_waits(void *arg)
{
	struct objects *o = arg;
	tmm_cond_t c = TMM_COND_INITIALIZER;
	int v = 0, i = 0;

	o->errors[i++] = tmm_mutex_lock(&o->m);
	o->errors[i++] = tmm_mutex_trylock(&o->m);
	o->errors[i++] = tmm_mutex_unlock(&o->m);
	o->errors[i++] = tmm_cond_timedwait(&c, &o->m, 1000);
	o->errors[i++] = tmm_sem_wait(&o->s);
	o->errors[i++] = tmm_event_timedwait(&o->e, 1000);
	o->errors[i++] = tmm_barrier_wait(&o->b);
	o->errors[i++] = tmm_rwlock_rdlock(&o->l);
	o->errors[i++] = tmm_rwlock_wrlock(&o->l);
	o->errors[i++] = tmm_chan_recv(o->ch, &v);
	return 0;
}

TEST_F(rt, waiting_outside_a_tmm_thread_is_eperm)
{
	struct objects o = {.errors = {0}};
	pthread_t p;

	ASSERT_EQ(0, tmm_mutex_init(&o.m, 0));
	ASSERT_EQ(0, tmm_sem_init(&o.s, 0, 0));
	ASSERT_EQ(0, tmm_event_init(&o.e));
	ASSERT_EQ(0, tmm_barrier_init(&o.b, 2));
	ASSERT_EQ(0, tmm_rwlock_init(&o.l));
	ASSERT_EQ(0, tmm_chan_create(&o.ch, sizeof(int), 0));
	ASSERT_EQ(0, pthread_create(&p, NULL, refuse_waits, &o));
	ASSERT_EQ(0, pthread_join(p, NULL));
	for (int i = 0; i < 10; i++)
		EXPECT_EQ(EPERM, o.errors[i]);
	/* Nothing was left behind: everything is free and can be destroyed. */
	EXPECT_EQ(0, tmm_mutex_destroy(&o.m));
	EXPECT_EQ(0, tmm_sem_destroy(&o.s));
	EXPECT_EQ(0, tmm_event_destroy(&o.e));
	EXPECT_EQ(0, tmm_barrier_destroy(&o.b));
	EXPECT_EQ(0, tmm_rwlock_destroy(&o.l));
	EXPECT_EQ(0, tmm_chan_destroy(o.ch));
}

static void *post_from_outside(void *s)
{
	struct timespec pause = {0, 2000000};

	nanosleep(&pause, NULL);
	return (void *)(intptr_t)tmm_sem_post(s);
}

TEST_F(rt, a_pthread_wakes_main_through_a_semaphore)
{
	tmm_sem_t s;
	pthread_t p;
	void *ret;

	ASSERT_EQ(0, tmm_sem_init(&s, 0, 0));
	ASSERT_EQ(0, pthread_create(&p, NULL, post_from_outside, &s));
	EXPECT_EQ(0, tmm_sem_wait(&s));
	ASSERT_EQ(0, pthread_join(p, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(0, tmm_sem_destroy(&s));
}

static void *send_from_outside(void *ch)
{
	for (int i = 0; i < 100; i++)
		if (tmm_chan_trysend(ch, &i) != 0)
			return (void *)1;
	return (void *)(intptr_t)tmm_chan_close(ch);
}

TEST_F(rt, a_pthread_feeds_a_channel_main_drains)
{
	tmm_chan_t *ch;
	pthread_t p;
	void *ret;
	int v, expect = 0;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 100));
	ASSERT_EQ(0, pthread_create(&p, NULL, send_from_outside, ch));
	while (tmm_chan_recv(ch, &v) == 0)
		EXPECT_EQ(expect++, v);
	EXPECT_EQ(100, expect);
	ASSERT_EQ(0, pthread_join(p, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

static void *set_from_outside(void *e)
{
	struct timespec pause = {0, 2000000};

	nanosleep(&pause, NULL);
	return (void *)(intptr_t)tmm_event_set(e);
}

TEST_F(rt, a_pthread_sets_an_event_main_waits_for)
{
	tmm_event_t e;
	pthread_t p;

	ASSERT_EQ(0, tmm_event_init(&e));
	ASSERT_EQ(0, pthread_create(&p, NULL, set_from_outside, &e));
	EXPECT_EQ(0, tmm_event_wait(&e));
	ASSERT_EQ(0, pthread_join(p, NULL));
	EXPECT_EQ(0, tmm_event_destroy(&e));
}

TEST_HARNESS_MAIN
