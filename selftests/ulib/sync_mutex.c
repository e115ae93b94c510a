// tmm_mutex_t: ownership rules, every error return, recursion, timed locking
// (waiters that give up leave the mutex intact), exact counts when many
// threads contend, strict alternation when two threads hand mutexes to each
// other across processors, and a waiter that spins rather than parks while
// the holder runs on another kernel thread.
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

/* Runs fn(arg) in a new tmm thread and returns what it returned. */
static intptr_t in_thread(void *(*fn)(void *), void *arg)
{
	tmm_thread_t *t;
	void *ret = (void *)-1;

	if (tmm_create(&t, NULL, fn, arg) || tmm_join(t, &ret))
		return -1;
	return (intptr_t)ret;
}

static void *try_lock(void *m)
{
	intptr_t rc = tmm_mutex_trylock(m);

	if (rc == 0)
		tmm_mutex_unlock(m);
	return (void *)rc;
}

static void *unlock(void *m)
{
	return (void *)(intptr_t)tmm_mutex_unlock(m);
}

/* Waits until t is parked, so that a test observes a thread truly blocked. */
static void wait_blocked(tmm_thread_t *t)
{
	for (int i = 0; i < 5000 && tmm_thread_state(t) != TMM_BLOCKED; i++)
		tmm_sleep_ns(MS / 10);
}

TEST_F(rt, lock_unlock_and_trylock_from_another_thread)
{
	tmm_mutex_t m;

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(EBUSY, in_thread(try_lock, &m));
	ASSERT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, in_thread(try_lock, &m));
	EXPECT_EQ(0, tmm_mutex_trylock(&m));
	EXPECT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

TEST_F(rt, owner_relocking_a_normal_mutex_is_edeadlk)
{
	tmm_mutex_t m;

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(EDEADLK, tmm_mutex_lock(&m));
	EXPECT_EQ(EBUSY, tmm_mutex_trylock(&m));
	EXPECT_EQ(0, tmm_mutex_unlock(&m));
	/* One unlock released it: the failed relocks took nothing. */
	EXPECT_EQ(EPERM, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

TEST_F(rt, unlock_by_a_non_owner_is_eperm)
{
	tmm_mutex_t m;

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	EXPECT_EQ(EPERM, tmm_mutex_unlock(&m)); /* nobody holds it */
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(EPERM, in_thread(unlock, &m));
	/* Still ours. */
	EXPECT_EQ(EBUSY, in_thread(try_lock, &m));
	EXPECT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

TEST_F(rt, destroy_while_locked_is_ebusy)
{
	tmm_mutex_t m;

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(EBUSY, tmm_mutex_destroy(&m));
	EXPECT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

TEST_F(rt, bad_arguments_are_einval)
{
	tmm_mutex_t m;
	tmm_mutex_t zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	EXPECT_EQ(EINVAL, tmm_mutex_init(NULL, 0));
	EXPECT_EQ(EINVAL, tmm_mutex_init(&m, 42));
	EXPECT_EQ(EINVAL, tmm_mutex_lock(NULL));
	EXPECT_EQ(EINVAL, tmm_mutex_trylock(NULL));
	EXPECT_EQ(EINVAL, tmm_mutex_unlock(NULL));
	EXPECT_EQ(EINVAL, tmm_mutex_destroy(NULL));
	EXPECT_EQ(EINVAL, tmm_mutex_timedlock(NULL, MS));
	EXPECT_EQ(EINVAL, tmm_mutex_lock(&zeroed));
	EXPECT_EQ(EINVAL, tmm_mutex_trylock(&zeroed));
	EXPECT_EQ(EINVAL, tmm_mutex_timedlock(&zeroed, MS));
	EXPECT_EQ(EINVAL, tmm_mutex_unlock(&zeroed));
	EXPECT_EQ(EINVAL, tmm_mutex_destroy(&zeroed));
	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_destroy(&m));
	EXPECT_EQ(EINVAL, tmm_mutex_lock(&m));
	EXPECT_EQ(EINVAL, tmm_mutex_timedlock(&m, MS));
	EXPECT_EQ(EINVAL, tmm_mutex_destroy(&m));
}

TEST_F(rt, static_initializer_gives_a_working_mutex)
{
	static tmm_mutex_t m = TMM_MUTEX_INITIALIZER;

	EXPECT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(EBUSY, in_thread(try_lock, &m));
	EXPECT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

TEST_F(rt, recursive_mutex_counts_its_holds)
{
	tmm_mutex_t m;

	ASSERT_EQ(0, tmm_mutex_init(&m, TMM_MUTEX_RECURSIVE));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	ASSERT_EQ(0, tmm_mutex_trylock(&m));
	for (int held = 3; held > 0; held--) {
		EXPECT_EQ(EBUSY, in_thread(try_lock, &m));
		EXPECT_EQ(EBUSY, tmm_mutex_destroy(&m));
		EXPECT_EQ(0, tmm_mutex_unlock(&m));
	}
	EXPECT_EQ(EPERM, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, in_thread(try_lock, &m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

struct handoff {
	tmm_mutex_t m;
	int released; /* written by main under m */
	int seen;     /* what the thread saw once it got m */
};

static void *lock_and_look(void *arg)
{
	struct handoff *h = arg;

	if (tmm_mutex_lock(&h->m))
		return (void *)-1;
	h->seen = h->released;
	tmm_mutex_unlock(&h->m);
	return 0;
}

TEST_F(rt, blocked_thread_gets_the_mutex_when_main_unlocks)
{
	struct handoff h = {.released = 0, .seen = -1};
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_mutex_init(&h.m, 0));
	ASSERT_EQ(0, tmm_mutex_lock(&h.m));
	ASSERT_EQ(0, tmm_create(&t, NULL, lock_and_look, &h));
	wait_blocked(t);
	h.released = 1;
	ASSERT_EQ(0, tmm_mutex_unlock(&h.m));
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(1, h.seen);
	EXPECT_EQ(0, tmm_mutex_destroy(&h.m));
}

struct hammer {
	tmm_mutex_t m;
	int stop; /* atomic */
	unsigned long rounds;
};

static void *hammer(void *arg)
{
	struct hammer *h = arg;

	while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
		tmm_mutex_lock(&h->m);
		h->rounds++;
		tmm_mutex_unlock(&h->m);
		if (h->rounds % 16 == 0)
			tmm_yield(); /* lets main run at all under M:1 */
	}
	return 0;
}

/*
 * Two threads relock the mutex as fast as they can; main still gets it (the
 * hand-off mode serves a waiter that barging kept out for too long).
 */
TEST_F(rt, a_waiter_is_not_starved_by_threads_relocking)
{
	struct hammer h = {.stop = 0, .rounds = 0};
	tmm_thread_t *t[2];

	ASSERT_EQ(0, tmm_mutex_init(&h.m, 0));
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, hammer, &h));
	tmm_sleep_ns(2 * MS);
	for (int i = 0; i < 20; i++) {
		ASSERT_EQ(0, tmm_mutex_lock(&h.m));
		ASSERT_EQ(0, tmm_mutex_unlock(&h.m));
	}
	__atomic_store_n(&h.stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, tmm_join(t[i], NULL));
	EXPECT_EQ(0, tmm_mutex_destroy(&h.m));
}

#define WORKERS 8
#define ROUNDS 20000

struct counter {
	tmm_mutex_t m;
	unsigned long value; /* only under m, deliberately not atomic */
};

static void *count_up(void *arg)
{
	struct counter *c = arg;

	for (int i = 0; i < ROUNDS; i++) {
		if (tmm_mutex_lock(&c->m))
			return (void *)-1;
		unsigned long v = c->value;

		/* Now and then give up the CPU inside the critical section, so
		 * that even on one kernel thread others find the mutex held. */
		if (i % 64 == 0)
			tmm_yield();
		c->value = v + 1;
		tmm_mutex_unlock(&c->m);
	}
	return 0;
}

TEST_F(rt, contended_counter_ends_exact)
{
	struct counter c = {.value = 0};
	tmm_thread_t *t[WORKERS];

	ASSERT_EQ(0, tmm_mutex_init(&c.m, 0));
	for (int i = 0; i < WORKERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, count_up, &c));
	EXPECT_EQ(NULL, count_up(&c)); /* main contends too */
	for (int i = 0; i < WORKERS; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ((unsigned long)(WORKERS + 1) * ROUNDS, c.value);
	EXPECT_EQ(0, tmm_mutex_destroy(&c.m));
}

/*
 * Two threads hand three mutexes of a ring to each other: each takes the
 * next mutex and lets go of the one it held.  A thread writes the log while
 * it holds two mutexes, which the other cannot then (three in all, one at
 * least each), so the log is ordered by the handoffs and must alternate.
 */
#define RELAY_STEPS 2000

struct relay {
	tmm_mutex_t ring[3];
	int ready; /* atomic: threads holding their first mutex */
	int log[2 * RELAY_STEPS];
	int logged;
};

static struct relay relay;

/* Relayer @arg (0 or 1), bound to a processor of its own where there are two. */
static void *relayer(void *arg)
{
	int me = (int)(intptr_t)arg, held = me;

	if (tmm_bind_processor(me % (int)tmm_processor_count()))
		return (void *)1;
	if (tmm_mutex_lock(&relay.ring[held]))
		return (void *)2;
	__atomic_add_fetch(&relay.ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&relay.ready, __ATOMIC_SEQ_CST) < 2)
		tmm_yield();
	for (int i = 0; i < RELAY_STEPS; i++) {
		int next = (held + 1) % 3;

		if (tmm_mutex_lock(&relay.ring[next]))
			return (void *)3;
		relay.log[relay.logged++] = me;
		if (tmm_mutex_unlock(&relay.ring[held]))
			return (void *)4;
		held = next;
	}
	return (void *)(intptr_t)(tmm_mutex_unlock(&relay.ring[held]) ? 5 : 0);
}

TEST_F(rt, mutexes_handed_around_a_ring_alternate_strictly)
{
	tmm_thread_t *t[2];
	int mismatches = 0;

	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, tmm_mutex_init(&relay.ring[i], 0));
	for (intptr_t i = 0; i < 2; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, relayer, (void *)i));
	for (int i = 0; i < 2; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	ASSERT_EQ(2 * RELAY_STEPS, relay.logged);
	for (int k = 1; k < relay.logged; k++)
		mismatches += relay.log[k] == relay.log[k - 1];
	EXPECT_EQ(0, mismatches);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, tmm_mutex_destroy(&relay.ring[i]));
}

/*
 * A waiter whose mutex is held by a thread running on another kernel thread
 * spins for it a little rather than parking.  The holder keeps the mutex for
 * SPIN_HOLD_NS after the waiter announced it is about to lock, watching the
 * waiter's state: a waiter that parked at once would be seen BLOCKED in
 * nearly every round, one that spins (for up to 10 us) in nearly none.
 *
 * Only rounds the machine left alone are judged: where the holder let go
 * within SPIN_JUDGED_NS of the waiter's announcement.  On a loaded machine
 * the holder's kernel thread may lose its CPU for milliseconds in the
 * middle of a round, and a waiter then rightly gives up spinning and parks.
 */
#define SPIN_ROUNDS 200
#define SPIN_ROUNDS_MAX 5000
#define SPIN_HOLD_NS 2000u
#define SPIN_JUDGED_NS 8000u

static struct {
	tmm_mutex_t m;
	tmm_thread_t *waiter;
	int held, trying, done; /* the round each has reached */
	uint64_t trying_at;	/* when the waiter announced this round */
	int judged, blocked_rounds, rounds;
} spin;

static int spin_bind(intptr_t processor)
{
	return tmm_bind_processor((int)processor) || tmm_current_processor() != (int)processor;
}

/* Waits until *@round is @value or -1 (no more rounds); returns which. */
static int spin_until(int *round, int value)
{
	int seen;

	while ((seen = __atomic_load_n(round, __ATOMIC_ACQUIRE)) != value && seen != -1)
		;
	return seen;
}

static void *spin_rounds(void)
{
	/* Only the holder counts the rounds. */
	for (int i = 1; spin.judged < SPIN_ROUNDS && spin.rounds < SPIN_ROUNDS_MAX; i++) {
		uint64_t from;
		int blocked = 0, judged;

		if (tmm_mutex_lock(&spin.m))
			return (void *)2;
		__atomic_store_n(&spin.held, i, __ATOMIC_RELEASE);
		spin_until(&spin.trying, i);
		from = now_ns();
		while (now_ns() - from < SPIN_HOLD_NS)
			blocked |= tmm_thread_state(spin.waiter) == TMM_BLOCKED;
		judged = now_ns() - spin.trying_at <= SPIN_JUDGED_NS;
		if (tmm_mutex_unlock(&spin.m))
			return (void *)3;
		spin_until(&spin.done, i);
		spin.blocked_rounds += judged && blocked;
		spin.judged += judged;
		spin.rounds = i;
	}
	return NULL;
}

static void *spin_holder(void *processor)
{
	void *ret = spin_bind((intptr_t)processor) ? (void *)1 : spin_rounds();

	/* -1: no more rounds, also when the holder failed. */
	__atomic_store_n(&spin.held, -1, __ATOMIC_RELEASE);
	return ret;
}

static void *spin_tries(void)
{
	for (int i = 1; spin_until(&spin.held, i) == i; i++) {
		spin.trying_at = now_ns();
		__atomic_store_n(&spin.trying, i, __ATOMIC_RELEASE);
		if (tmm_mutex_lock(&spin.m) || tmm_mutex_unlock(&spin.m))
			return (void *)2;
		__atomic_store_n(&spin.done, i, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *spin_waiter(void *processor)
{
	void *ret = spin_bind((intptr_t)processor) ? (void *)1 : spin_tries();

	/* The holder waits for nothing more, also when the waiter failed. */
	__atomic_store_n(&spin.trying, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&spin.done, -1, __ATOMIC_RELEASE);
	return ret;
}

TEST_F(rt, a_waiter_spins_while_the_holder_runs_on_another_kernel_thread)
{
	tmm_thread_t *holder;
	void *ret;

	if (one_processor() || tmm_processor_count() < 2)
		SKIP(return, "the holder and the waiter need two processors");
	memset(&spin, 0, sizeof(spin));
	ASSERT_EQ(0, tmm_mutex_init(&spin.m, 0));
	ASSERT_EQ(0, tmm_create(&spin.waiter, NULL, spin_waiter, (void *)1));
	ASSERT_EQ(0, tmm_create(&holder, NULL, spin_holder, (void *)0));
	ASSERT_EQ(0, tmm_join(holder, &ret));
	EXPECT_EQ(NULL, ret);
	ASSERT_EQ(0, tmm_join(spin.waiter, &ret));
	EXPECT_EQ(NULL, ret);
	if (spin.judged < SPIN_ROUNDS / 4)
		SKIP(goto out, "the machine disturbed all but %d of %d rounds", spin.judged,
		     spin.rounds);
	EXPECT_LE(spin.blocked_rounds, spin.judged / 4)
	TH_LOG("the waiter parked in %d of %d judged rounds (%d rounds in all)",
	       spin.blocked_rounds, spin.judged, spin.rounds);
out:
	EXPECT_EQ(0, tmm_mutex_destroy(&spin.m));
}

TEST_F(rt, contended_recursive_counter_ends_exact)
{
	struct counter c = {.value = 0};
	tmm_thread_t *t[WORKERS];

	ASSERT_EQ(0, tmm_mutex_init(&c.m, TMM_MUTEX_RECURSIVE));
	ASSERT_EQ(0, tmm_mutex_lock(&c.m)); /* one extra hold around it all */
	for (int i = 0; i < WORKERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, count_up, &c));
	EXPECT_EQ(NULL, count_up(&c));
	ASSERT_EQ(0, tmm_mutex_unlock(&c.m));
	for (int i = 0; i < WORKERS; i++)
		ASSERT_EQ(0, tmm_join(t[i], NULL));
	EXPECT_EQ((unsigned long)(WORKERS + 1) * ROUNDS, c.value);
	EXPECT_EQ(0, tmm_mutex_destroy(&c.m));
}

/* ---- tmm_mutex_timedlock -------------------------------------------------------- */

struct timed_try {
	tmm_mutex_t *m;
	uint64_t timeout_ns;
	uint64_t waited_ns; /* how long the call took */
};

static void *timed_lock(void *arg)
{
	struct timed_try *tt = arg;
	uint64_t t0 = now_ns();
	intptr_t rc = tmm_mutex_timedlock(tt->m, tt->timeout_ns);

	tt->waited_ns = now_ns() - t0;
	if (rc == 0)
		tmm_mutex_unlock(tt->m);
	return (void *)rc;
}

TEST_F(rt, timedlock_takes_a_free_mutex)
{
	tmm_mutex_t m;

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_timedlock(&m, 10 * MS));
	EXPECT_EQ(EBUSY, in_thread(try_lock, &m));
	ASSERT_EQ(0, tmm_mutex_unlock(&m));
	ASSERT_EQ(0, tmm_mutex_timedlock(&m, 0)); /* free: no wait needed */
	ASSERT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

/* A timed-out waiter leaves the queue: destroy finds nobody, the mutex works on. */
TEST_F(rt, timedlock_on_a_held_mutex_times_out_and_leaves_it_intact)
{
	tmm_mutex_t m;
	struct timed_try tt = {.m = &m, .timeout_ns = 5 * MS};

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(ETIMEDOUT, in_thread(timed_lock, &tt));
	EXPECT_GE(tt.waited_ns, 5 * MS);
	tt.timeout_ns = 0;
	EXPECT_EQ(ETIMEDOUT, in_thread(timed_lock, &tt));
	EXPECT_EQ(EBUSY, tmm_mutex_destroy(&m));
	ASSERT_EQ(0, tmm_mutex_unlock(&m));
	tt.timeout_ns = 5 * MS;
	EXPECT_EQ(0, in_thread(timed_lock, &tt));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

TEST_F(rt, timedlock_gets_the_mutex_released_before_its_deadline)
{
	tmm_mutex_t m;
	struct timed_try tt = {.m = &m, .timeout_ns = 10000 * MS};
	tmm_thread_t *t;
	void *rc = (void *)-1;

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	ASSERT_EQ(0, tmm_create(&t, NULL, timed_lock, &tt));
	wait_blocked(t);
	EXPECT_EQ((int)TMM_BLOCKED, (int)tmm_thread_state(t));
	ASSERT_EQ(0, tmm_mutex_unlock(&m));
	ASSERT_EQ(0, tmm_join(t, &rc));
	EXPECT_EQ(0, (intptr_t)rc);
	EXPECT_LT(tt.waited_ns, 5000 * MS);
	EXPECT_EQ(0, tmm_mutex_destroy(&m));
}

TEST_F(rt, timedlock_by_the_owner_is_edeadlk_or_counts_when_recursive)
{
	tmm_mutex_t m, r;

	ASSERT_EQ(0, tmm_mutex_init(&m, 0));
	ASSERT_EQ(0, tmm_mutex_lock(&m));
	EXPECT_EQ(EDEADLK, tmm_mutex_timedlock(&m, MS));
	ASSERT_EQ(0, tmm_mutex_unlock(&m));
	EXPECT_EQ(0, tmm_mutex_destroy(&m));

	ASSERT_EQ(0, tmm_mutex_init(&r, TMM_MUTEX_RECURSIVE));
	ASSERT_EQ(0, tmm_mutex_timedlock(&r, MS));
	ASSERT_EQ(0, tmm_mutex_timedlock(&r, 0));
	ASSERT_EQ(0, tmm_mutex_unlock(&r));
	EXPECT_EQ(EBUSY, in_thread(try_lock, &r)); /* still held once */
	ASSERT_EQ(0, tmm_mutex_unlock(&r));
	EXPECT_EQ(0, tmm_mutex_destroy(&r));
}

struct timed_crowd {
	tmm_mutex_t m;
	unsigned long value;   /* only under m, deliberately not atomic */
	long taken, timed_out; /* atomic */
	int stop;	       /* atomic */
};

/* Timed waiters of 0.1 to 3 ms against holders and relockers: some give up. */
static void *timed_contender(void *arg)
{
	struct timed_crowd *c = arg;

	for (int i = 0; !__atomic_load_n(&c->stop, __ATOMIC_RELAXED); i++) {
		int rc = tmm_mutex_timedlock(&c->m, (uint64_t)(1 + i % 30) * MS / 10);

		if (rc == ETIMEDOUT) {
			__atomic_fetch_add(&c->timed_out, 1, __ATOMIC_RELAXED);
			tmm_yield();
			continue;
		}
		if (rc)
			return (void *)(intptr_t)rc;
		c->value++;
		__atomic_fetch_add(&c->taken, 1, __ATOMIC_RELAXED);
		if (i % 8 == 0)
			tmm_yield();
		tmm_mutex_unlock(&c->m);
	}
	return 0;
}

static void *relocker(void *arg)
{
	struct timed_crowd *c = arg;

	for (int i = 0; !__atomic_load_n(&c->stop, __ATOMIC_RELAXED); i++) {
		tmm_mutex_lock(&c->m);
		c->value++;
		__atomic_fetch_add(&c->taken, 1, __ATOMIC_RELAXED);
		tmm_mutex_unlock(&c->m);
		if (i % 16 == 0)
			tmm_yield();
	}
	return 0;
}

/*
 * Waiters giving up at every point of a wait (some starving, so the mutex
 * is in hand-off mode as they leave) lose no update and strand nobody: every
 * thread ends, main still gets the mutex, and destroy finds the queue empty.
 */
TEST_F(rt, timed_waiters_giving_up_strand_no_one)
{
	struct timed_crowd c = {.value = 0};
	tmm_thread_t *t[6];

	ASSERT_EQ(0, tmm_mutex_init(&c.m, 0));
	for (int i = 0; i < 6; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, i < 4 ? timed_contender : relocker, &c));
	for (int i = 0; i < 10; i++) {
		ASSERT_EQ(0, tmm_mutex_lock(&c.m));
		c.value++;
		__atomic_fetch_add(&c.taken, 1, __ATOMIC_RELAXED);
		tmm_sleep_ns(4 * MS); /* longer than any timed wait: they give up */
		ASSERT_EQ(0, tmm_mutex_unlock(&c.m));
		tmm_sleep_ns(2 * MS);
	}
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 6; i++) {
		void *ret = (void *)-1;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	EXPECT_EQ((unsigned long)c.taken, c.value);
	EXPECT_GT(c.timed_out, 0);
	ASSERT_EQ(0, tmm_mutex_timedlock(&c.m, 0));
	ASSERT_EQ(0, tmm_mutex_unlock(&c.m));
	EXPECT_EQ(0, tmm_mutex_destroy(&c.m));
}

TEST_HARNESS_MAIN
