// Thread life cycle: create, join with a result, tmm_exit from any depth,
// detach, and the errors of join and create.
#include <errno.h>
#include <stdint.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static void *identity(void *arg)
{
	return arg;
}

static void *twice(void *arg)
{
	return (void *)(2 * (intptr_t)arg);
}

TEST_F(rt, join_returns_the_thread_result)
{
	tmm_thread_t *t[8];
	void *ret;

	for (intptr_t i = 0; i < 8; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, twice, (void *)i));
	for (intptr_t i = 7; i >= 0; i--) {
		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(2 * i, (intptr_t)ret);
	}
	EXPECT_EQ(1u, tmm_active_count());
}

static int exit_deep(int depth)
{
	if (depth < 0)
		return 0;
	if (depth == 0)
		tmm_exit((void *)0x5eed);
	return exit_deep(depth - 1) + 1;
}

static void *exits_from_depth(void *arg)
{
	exit_deep(50);
	return arg; /* never reached */
}

TEST_F(rt, exit_from_any_depth_ends_the_thread)
{
	tmm_thread_t *t;
	void *ret = NULL;

	ASSERT_EQ(0, tmm_create(&t, NULL, exits_from_depth, NULL));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ((void *)0x5eed, ret);
}

static void *return_self(void *arg)
{
	(void)arg;
	return tmm_self();
}

TEST_F(rt, self_is_the_created_thread)
{
	tmm_thread_t *t;
	void *ret;

	ASSERT_NE(NULL, tmm_self());
	ASSERT_EQ(0, tmm_create(&t, NULL, return_self, NULL));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ((void *)t, ret);
}

TEST_F(rt, bad_arguments_are_einval)
{
	struct tmm_attr tiny = {.stack_size = 16 * 1024 - 1};
	struct tmm_attr huge = {.stack_size = (size_t)1 << 40};
	tmm_thread_t *t;

	EXPECT_EQ(EINVAL, tmm_create(NULL, NULL, identity, NULL));
	EXPECT_EQ(EINVAL, tmm_create(&t, NULL, NULL, NULL));
	EXPECT_EQ(EINVAL, tmm_create(&t, &tiny, identity, NULL));
	EXPECT_EQ(EINVAL, tmm_create(&t, &huge, identity, NULL));
	EXPECT_EQ(EINVAL, tmm_join(NULL, NULL));
	EXPECT_EQ(EINVAL, tmm_detach(NULL));
	EXPECT_EQ(NULL, tmm_thread_name(NULL));
}

TEST_F(rt, join_self_is_edeadlk)
{
	EXPECT_EQ(EDEADLK, tmm_join(tmm_self(), NULL));
}

static int release;

static void *wait_for_release(void *arg)
{
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		tmm_sleep_ns(MS / 2);
	return arg;
}

TEST_F(rt, join_detached_is_einval)
{
	struct tmm_attr detached = {.detached = 1};
	tmm_thread_t *a, *b;

	ASSERT_EQ(0, tmm_create(&a, &detached, wait_for_release, NULL));
	ASSERT_EQ(0, tmm_create(&b, NULL, wait_for_release, NULL));
	EXPECT_EQ(EINVAL, tmm_join(a, NULL));
	ASSERT_EQ(0, tmm_detach(b));
	EXPECT_EQ(EINVAL, tmm_join(b, NULL));
	EXPECT_EQ(EINVAL, tmm_detach(b));
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	/* tmm_fini (teardown) waits for both. */
}

static void *join_target(void *arg)
{
	return (void *)(intptr_t)tmm_join(arg, NULL);
}

TEST_F(rt, second_joiner_is_einval)
{
	tmm_thread_t *target, *joiner;
	void *ret;

	ASSERT_EQ(0, tmm_create(&target, NULL, wait_for_release, NULL));
	ASSERT_EQ(0, tmm_create(&joiner, NULL, join_target, target));
	/* Let the joiner start waiting, then join too: one of the two must lose. */
	while (tmm_thread_state(joiner) != TMM_BLOCKED)
		tmm_sleep_ns(MS / 2);
	EXPECT_EQ(EINVAL, tmm_join(target, NULL));
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_join(joiner, &ret));
	EXPECT_EQ(0, (int)(intptr_t)ret);
}

TEST_F(rt, main_cannot_be_joined_or_detached)
{
	tmm_thread_t *t;
	void *ret;

	ASSERT_EQ(0, tmm_create(&t, NULL, join_target, tmm_self()));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(EINVAL, (int)(intptr_t)ret);
	EXPECT_EQ(EINVAL, tmm_detach(tmm_self()));
}

static int detached_done;

static void *count_done(void *arg)
{
	tmm_sleep_ns(MS);
	__atomic_fetch_add(&detached_done, 1, __ATOMIC_RELAXED);
	return arg;
}

TEST(detached_threads_run_to_completion)
{
	struct tmm_attr detached = {.detached = 1};
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_init(NULL));
	for (int i = 0; i < 20; i++)
		ASSERT_EQ(0, tmm_create(&t, &detached, count_done, NULL));
	for (int i = 0; i < 20; i++) {
		ASSERT_EQ(0, tmm_create(&t, NULL, count_done, NULL));
		ASSERT_EQ(0, tmm_detach(t));
	}
	ASSERT_EQ(0, tmm_fini());
	EXPECT_EQ(40, detached_done);
}

static void *create_grandchild(void *arg)
{
	tmm_thread_t *t;
	void *ret = NULL;

	if (tmm_create(&t, NULL, twice, arg) || tmm_join(t, &ret))
		return NULL;
	return ret;
}

TEST_F(rt, threads_create_and_join_threads)
{
	tmm_thread_t *t;
	void *ret;

	ASSERT_EQ(0, tmm_create(&t, NULL, create_grandchild, (void *)21));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(42, (intptr_t)ret);
}

static long ending;

/* On processor 1 where there is one (main stays on 0): says it ends, and ends. */
static void *end_on_processor_1(void *arg)
{
	if (tmm_processor_count() > 1)
		tmm_bind_processor(1);
	__atomic_store_n(&ending, (long)(intptr_t)arg, __ATOMIC_RELEASE);
	return arg;
}

/*
 * The exit and the join meet from two kernel threads, where there are two:
 * main waits until the thread is about to end, then joins after a delay
 * that varies, so that the join comes before, during and after the exit
 * steps.  Each join returns the result once, and the joiner is woken only
 * once it is parked.  (A 1:1 thread takes milliseconds to start and move.)
 */
TEST_F(rt, join_races_an_exit_on_another_kernel_thread)
{
	int one_to_one = tmm_current_model() == TMM_1TO1;
	int concurrent = one_to_one || tmm_processor_count() > 1;
	intptr_t rounds = one_to_one ? 2000 : 20000;

	if (tmm_processor_count() > 1)
		ASSERT_EQ(0, tmm_bind_processor(0));
	for (intptr_t i = 0; i < rounds; i++) {
		tmm_thread_t *t;
		void *ret = NULL;

		ASSERT_EQ(0, tmm_create(&t, NULL, end_on_processor_1, (void *)(i + 1)));
		while (concurrent && __atomic_load_n(&ending, __ATOMIC_ACQUIRE) != i + 1)
			;
		for (volatile int spin = 0; spin < i % 256; spin++)
			;
		ASSERT_EQ(0, tmm_join(t, &ret));
		ASSERT_EQ(i + 1, (intptr_t)ret);
	}
	EXPECT_EQ(1u, tmm_active_count());
	if (tmm_processor_count() > 1)
		EXPECT_EQ(0, tmm_bind_processor(-1));
}

TEST_HARNESS_MAIN
