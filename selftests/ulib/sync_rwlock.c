// tmm_rwlock_t: shared readers, an exclusive writer, FIFO fairness (a queued
// writer holds back new readers), and every error return.
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static intptr_t in_thread(void *(*fn)(void *), void *arg)
{
	tmm_thread_t *t;
	void *ret = (void *)-1;

	if (tmm_create(&t, NULL, fn, arg) || tmm_join(t, &ret))
		return -1;
	return (intptr_t)ret;
}

static void wait_blocked(tmm_thread_t *t)
{
	for (int i = 0; i < 5000 && tmm_thread_state(t) != TMM_BLOCKED; i++)
		tmm_sleep_ns(MS / 10);
}

static void *try_read(void *l)
{
	intptr_t rc = tmm_rwlock_tryrdlock(l);

	if (rc == 0)
		tmm_rwlock_unlock(l);
	return (void *)rc;
}

static void *try_write(void *l)
{
	intptr_t rc = tmm_rwlock_trywrlock(l);

	if (rc == 0)
		tmm_rwlock_unlock(l);
	return (void *)rc;
}

static void *unlock(void *l)
{
	return (void *)(intptr_t)tmm_rwlock_unlock(l);
}

TEST_F(rt, readers_share_writers_exclude)
{
	tmm_rwlock_t l;

	ASSERT_EQ(0, tmm_rwlock_init(&l));
	ASSERT_EQ(0, tmm_rwlock_rdlock(&l));
	EXPECT_EQ(0, in_thread(try_read, &l));
	EXPECT_EQ(EBUSY, in_thread(try_write, &l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	ASSERT_EQ(0, tmm_rwlock_wrlock(&l));
	EXPECT_EQ(EBUSY, in_thread(try_read, &l));
	EXPECT_EQ(EBUSY, in_thread(try_write, &l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	EXPECT_EQ(0, in_thread(try_write, &l));
	EXPECT_EQ(0, tmm_rwlock_destroy(&l));
}

TEST_F(rt, a_reader_may_read_again_and_must_unlock_each)
{
	tmm_rwlock_t l;

	ASSERT_EQ(0, tmm_rwlock_init(&l));
	ASSERT_EQ(0, tmm_rwlock_rdlock(&l));
	ASSERT_EQ(0, tmm_rwlock_tryrdlock(&l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	EXPECT_EQ(EBUSY, in_thread(try_write, &l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	EXPECT_EQ(EPERM, tmm_rwlock_unlock(&l));
	EXPECT_EQ(0, in_thread(try_write, &l));
	EXPECT_EQ(0, tmm_rwlock_destroy(&l));
}

TEST_F(rt, self_deadlocks_are_edeadlk)
{
	tmm_rwlock_t l;

	ASSERT_EQ(0, tmm_rwlock_init(&l));
	ASSERT_EQ(0, tmm_rwlock_rdlock(&l));
	EXPECT_EQ(EDEADLK, tmm_rwlock_wrlock(&l));
	EXPECT_EQ(EBUSY, tmm_rwlock_trywrlock(&l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	ASSERT_EQ(0, tmm_rwlock_wrlock(&l));
	EXPECT_EQ(EDEADLK, tmm_rwlock_wrlock(&l));
	EXPECT_EQ(EDEADLK, tmm_rwlock_rdlock(&l));
	EXPECT_EQ(EBUSY, tmm_rwlock_tryrdlock(&l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	EXPECT_EQ(EPERM, tmm_rwlock_unlock(&l));
	EXPECT_EQ(0, tmm_rwlock_destroy(&l));
}

TEST_F(rt, unlock_by_a_non_holder_is_eperm)
{
	tmm_rwlock_t l;

	ASSERT_EQ(0, tmm_rwlock_init(&l));
	EXPECT_EQ(EPERM, tmm_rwlock_unlock(&l));
	ASSERT_EQ(0, tmm_rwlock_rdlock(&l));
	EXPECT_EQ(EPERM, in_thread(unlock, &l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	ASSERT_EQ(0, tmm_rwlock_wrlock(&l));
	EXPECT_EQ(EPERM, in_thread(unlock, &l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	EXPECT_EQ(0, tmm_rwlock_destroy(&l));
}

TEST_F(rt, destroy_while_held_is_ebusy)
{
	tmm_rwlock_t l;

	ASSERT_EQ(0, tmm_rwlock_init(&l));
	ASSERT_EQ(0, tmm_rwlock_rdlock(&l));
	EXPECT_EQ(EBUSY, tmm_rwlock_destroy(&l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	ASSERT_EQ(0, tmm_rwlock_wrlock(&l));
	EXPECT_EQ(EBUSY, tmm_rwlock_destroy(&l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&l));
	EXPECT_EQ(0, tmm_rwlock_destroy(&l));
}

TEST_F(rt, bad_arguments_are_einval)
{
	tmm_rwlock_t l, zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	EXPECT_EQ(EINVAL, tmm_rwlock_init(NULL));
	EXPECT_EQ(EINVAL, tmm_rwlock_rdlock(NULL));
	EXPECT_EQ(EINVAL, tmm_rwlock_wrlock(&zeroed));
	EXPECT_EQ(EINVAL, tmm_rwlock_tryrdlock(&zeroed));
	EXPECT_EQ(EINVAL, tmm_rwlock_trywrlock(NULL));
	EXPECT_EQ(EINVAL, tmm_rwlock_unlock(&zeroed));
	EXPECT_EQ(EINVAL, tmm_rwlock_destroy(NULL));
	ASSERT_EQ(0, tmm_rwlock_init(&l));
	ASSERT_EQ(0, tmm_rwlock_destroy(&l));
	EXPECT_EQ(EINVAL, tmm_rwlock_rdlock(&l));
	EXPECT_EQ(EINVAL, tmm_rwlock_destroy(&l));
}

struct phases {
	tmm_rwlock_t l;
	int writes; /* under the write lock */
	int seen;   /* what the late reader saw */
};

static void *write_once(void *arg)
{
	struct phases *p = arg;

	if (tmm_rwlock_wrlock(&p->l))
		return (void *)1;
	p->writes++;
	tmm_rwlock_unlock(&p->l);
	return 0;
}

static void *read_once(void *arg)
{
	struct phases *p = arg;

	if (tmm_rwlock_rdlock(&p->l))
		return (void *)1;
	p->seen = p->writes;
	tmm_rwlock_unlock(&p->l);
	return 0;
}

TEST_F(rt, a_queued_writer_goes_before_later_readers)
{
	struct phases p = {.writes = 0, .seen = -1};
	tmm_thread_t *writer, *reader;

	ASSERT_EQ(0, tmm_rwlock_init(&p.l));
	ASSERT_EQ(0, tmm_rwlock_rdlock(&p.l));
	ASSERT_EQ(0, tmm_create(&writer, NULL, write_once, &p));
	wait_blocked(writer);
	/* The lock is only read-held, yet a new reader must wait its turn. */
	EXPECT_EQ(EBUSY, in_thread(try_read, &p.l));
	ASSERT_EQ(0, tmm_create(&reader, NULL, read_once, &p));
	wait_blocked(reader);
	/* main, already a reader, may read again without queueing. */
	EXPECT_EQ(0, tmm_rwlock_rdlock(&p.l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&p.l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&p.l));
	ASSERT_EQ(0, tmm_join(writer, NULL));
	ASSERT_EQ(0, tmm_join(reader, NULL));
	EXPECT_EQ(1, p.seen);
	EXPECT_EQ(0, tmm_rwlock_destroy(&p.l));
}

/* Many readers hold it at once: all are inside before any leaves. */
#define CROWD 20

struct crowd {
	tmm_rwlock_t l;
	tmm_barrier_t inside, leave;
};

static void *read_in_crowd(void *arg)
{
	struct crowd *c = arg;
	intptr_t rc = tmm_rwlock_rdlock(&c->l);

	tmm_barrier_wait(&c->inside);
	tmm_barrier_wait(&c->leave);
	if (rc == 0)
		rc = tmm_rwlock_unlock(&c->l);
	return (void *)rc;
}

TEST_F(rt, many_readers_hold_it_together)
{
	struct crowd c;
	tmm_thread_t *t[CROWD];

	ASSERT_EQ(0, tmm_rwlock_init(&c.l));
	ASSERT_EQ(0, tmm_barrier_init(&c.inside, CROWD + 1));
	ASSERT_EQ(0, tmm_barrier_init(&c.leave, CROWD + 1));
	for (int i = 0; i < CROWD; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, read_in_crowd, &c));
	tmm_barrier_wait(&c.inside);
	EXPECT_EQ(EBUSY, tmm_rwlock_trywrlock(&c.l));
	EXPECT_EQ(EPERM, tmm_rwlock_unlock(&c.l)); /* main is not among them */
	tmm_barrier_wait(&c.leave);
	for (int i = 0; i < CROWD; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(0, tmm_rwlock_trywrlock(&c.l));
	EXPECT_EQ(0, tmm_rwlock_unlock(&c.l));
	EXPECT_EQ(0, tmm_rwlock_destroy(&c.l));
	EXPECT_EQ(0, tmm_barrier_destroy(&c.inside));
	EXPECT_EQ(0, tmm_barrier_destroy(&c.leave));
}

/* Writers keep two counters equal; readers must never see them differ. */
#define READERS 6
#define WRITERS 3
#define ROUNDS 10000

struct pair {
	tmm_rwlock_t l;
	unsigned long a, b;
	int torn; /* atomic: readers that saw a != b */
};

static void *write_pairs(void *arg)
{
	struct pair *p = arg;

	for (int i = 0; i < ROUNDS; i++) {
		if (tmm_rwlock_wrlock(&p->l))
			return (void *)1;
		p->a++;
		if (i % 32 == 0)
			tmm_yield();
		p->b++;
		tmm_rwlock_unlock(&p->l);
	}
	return 0;
}

static void *read_pairs(void *arg)
{
	struct pair *p = arg;

	for (int i = 0; i < ROUNDS; i++) {
		if (tmm_rwlock_rdlock(&p->l))
			return (void *)1;
		unsigned long a = p->a;

		if (i % 32 == 0)
			tmm_yield();
		if (a != p->b)
			__atomic_add_fetch(&p->torn, 1, __ATOMIC_RELAXED);
		tmm_rwlock_unlock(&p->l);
	}
	return 0;
}

TEST_F(rt, readers_never_see_a_write_half_done)
{
	struct pair p = {.a = 0, .b = 0, .torn = 0};
	tmm_thread_t *t[READERS + WRITERS];

	ASSERT_EQ(0, tmm_rwlock_init(&p.l));
	for (int i = 0; i < READERS + WRITERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, i < READERS ? read_pairs : write_pairs, &p));
	for (int i = 0; i < READERS + WRITERS; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ(0, p.torn);
	EXPECT_EQ((unsigned long)WRITERS * ROUNDS, p.a);
	EXPECT_EQ(p.a, p.b);
	EXPECT_EQ(0, tmm_rwlock_destroy(&p.l));
}

TEST_HARNESS_MAIN
