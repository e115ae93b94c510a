// What a thread looks like from outside: its name, its state as another
// thread sees it, tmm_active_count and tmm_enumerate.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static int release, spinning, finished;

static void *wait_for_release(void *arg)
{
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		tmm_sleep_ns(MS / 2);
	return arg;
}

static void *sleep_until_release(void *arg)
{
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		tmm_sleep_ns(10 * MS);
	return arg;
}

/* Polls (sleeping) until @t is in @state; gives up after a few seconds. */
static int reaches(tmm_thread_t *t, enum tmm_state state)
{
	for (int i = 0; i < 10000; i++) {
		if (tmm_thread_state(t) == state)
			return 1;
		tmm_sleep_ns(MS / 10);
	}
	return 0;
}

TEST_F(rt, names_default_given_and_main)
{
	struct tmm_attr named = {.name = "worker-a"};
	struct tmm_attr long_name = {.name =
					 "a-name-far-longer-than-anyone-should-use-for-a-thread"};
	tmm_thread_t *a, *b, *c;
	unsigned long n;

	EXPECT_STREQ("main", tmm_thread_name(tmm_self()));
	ASSERT_EQ(0, tmm_create(&a, &named, wait_for_release, NULL));
	ASSERT_EQ(0, tmm_create(&b, NULL, wait_for_release, NULL));
	ASSERT_EQ(0, tmm_create(&c, &long_name, wait_for_release, NULL));
	EXPECT_STREQ("worker-a", tmm_thread_name(a));
	EXPECT_EQ(1, sscanf(tmm_thread_name(b), "thread-%lu", &n)) TH_LOG("%s", tmm_thread_name(b));
	/* Long names are cut, never overflowed. */
	EXPECT_EQ(0, strncmp(long_name.name, tmm_thread_name(c), strlen(tmm_thread_name(c))));
	EXPECT_LT(strlen(tmm_thread_name(c)), strlen(long_name.name));
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(0, tmm_join(a, NULL));
	EXPECT_EQ(0, tmm_join(b, NULL));
	EXPECT_EQ(0, tmm_join(c, NULL));
}

TEST_F(rt, name_is_copied)
{
	char buf[16] = "copied";
	struct tmm_attr attr = {.name = buf};
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_create(&t, &attr, wait_for_release, NULL));
	strcpy(buf, "changed");
	EXPECT_STREQ("copied", tmm_thread_name(t));
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(0, tmm_join(t, NULL));
}

static void *spin_then_finish(void *arg)
{
	__atomic_store_n(&spinning, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		tmm_yield();
	__atomic_store_n(&finished, 1, __ATOMIC_RELEASE);
	return arg;
}

TEST_F(rt, states_seen_from_another_thread)
{
	tmm_thread_t *sleeper, *spinner;

	EXPECT_EQ(TMM_RUNNING, (int)tmm_thread_state(tmm_self()));
	ASSERT_EQ(0, tmm_create(&sleeper, NULL, sleep_until_release, NULL));
	/* Under M:1 nothing else runs until main waits: the thread has not started. */
	if (tmm_current_model() == TMM_M1)
		EXPECT_EQ(TMM_NEW, (int)tmm_thread_state(sleeper));
	EXPECT_TRUE(reaches(sleeper, TMM_BLOCKED));

	ASSERT_EQ(0, tmm_create(&spinner, NULL, spin_then_finish, NULL));
	while (!__atomic_load_n(&spinning, __ATOMIC_ACQUIRE))
		tmm_yield();
	/* A thread that only yields is never blocked: queued or on a CPU. */
	for (int i = 0; i < 100; i++) {
		enum tmm_state s = tmm_thread_state(spinner);

		EXPECT_TRUE(s == TMM_RUNNABLE || s == TMM_RUNNING) TH_LOG("state %d", s);
		tmm_yield();
	}
	if (tmm_current_model() == TMM_M1)
		EXPECT_EQ(TMM_RUNNABLE, (int)tmm_thread_state(spinner));

	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&finished, __ATOMIC_ACQUIRE))
		tmm_sleep_ns(MS / 2);
	EXPECT_TRUE(reaches(spinner, TMM_TERMINATED));
	EXPECT_EQ(0, tmm_join(spinner, NULL));
	EXPECT_EQ(0, tmm_join(sleeper, NULL));
}

struct census {
	int seen, main_seen, stop_after;
	tmm_thread_t *want[8];
	int found[8];
};

static int count_thread(tmm_thread_t *t, void *arg)
{
	struct census *c = arg;

	c->seen++;
	if (!strcmp(tmm_thread_name(t), "main"))
		c->main_seen++;
	for (int i = 0; i < 8; i++)
		if (c->want[i] == t)
			c->found[i]++;
	return c->stop_after && c->seen == c->stop_after;
}

TEST_F(rt, active_count_and_enumerate)
{
	struct census all = {0}, some = {.stop_after = 3};

	EXPECT_EQ(1u, tmm_active_count());
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(0, tmm_create(&all.want[i], NULL, wait_for_release, NULL));
	EXPECT_EQ(9u, tmm_active_count());
	ASSERT_EQ(0, tmm_enumerate(count_thread, &all));
	EXPECT_EQ(9, all.seen);
	EXPECT_EQ(1, all.main_seen);
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(1, all.found[i]);
	/* A non-zero return stops the walk. */
	ASSERT_EQ(0, tmm_enumerate(count_thread, &some));
	EXPECT_EQ(3, some.seen);
	EXPECT_EQ(EINVAL, tmm_enumerate(NULL, NULL));

	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(0, tmm_join(all.want[i], NULL));
	EXPECT_EQ(1u, tmm_active_count());
}

static int read_names(tmm_thread_t *t, void *arg)
{
	/* Touch the record: it must stay valid while we hold it, exiting or not. */
	*(size_t *)arg += strlen(tmm_thread_name(t)) + (size_t)tmm_thread_state(t);
	return 0;
}

static void *short_lived(void *arg)
{
	tmm_yield();
	return arg;
}

TEST_F(rt, enumerate_is_safe_while_threads_exit)
{
	struct tmm_attr detached = {.detached = 1};
	size_t sum = 0;
	tmm_thread_t *t;

	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 10; i++)
			ASSERT_EQ(0, tmm_create(&t, &detached, short_lived, NULL));
		ASSERT_EQ(0, tmm_enumerate(read_names, &sum));
	}
	EXPECT_GT(sum, 0u);
}

static int stop_walking;

static void *walk_registry(void *arg)
{
	while (!__atomic_load_n(&stop_walking, __ATOMIC_ACQUIRE)) {
		if (tmm_enumerate(read_names, arg))
			return (void *)1;
		tmm_yield();
	}
	return NULL;
}

static void *yield_a_few(void *arg)
{
	for (intptr_t i = 0; i < (intptr_t)arg; i++)
		tmm_yield();
	return arg;
}

/*
 * A joined thread is gone from the registry by the time its join returns,
 * however the join went (parked or not, the exit switching straight to its
 * joiner or through the scheduler), while another thread walks the registry
 * taking references on the exiting ones.
 */
TEST_F(rt, joined_thread_is_not_live_when_join_returns)
{
	tmm_thread_t *walker, *t;
	size_t sum = 0, live;
	void *ret;

	__atomic_store_n(&stop_walking, 0, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_create(&walker, NULL, walk_registry, &sum));
	for (intptr_t i = 0; i < 5000; i++) {
		ASSERT_EQ(0, tmm_create(&t, NULL, yield_a_few, (void *)(i % 4)));
		ASSERT_EQ(0, tmm_join(t, &ret));
		ASSERT_EQ(i % 4, (intptr_t)ret);
		live = tmm_active_count();
		ASSERT_EQ(2u, live) TH_LOG("after join %ld", (long)i);
	}
	__atomic_store_n(&stop_walking, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_join(walker, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_GT(sum, 0u);
	EXPECT_EQ(1u, tmm_active_count());
}

TEST_HARNESS_MAIN
