// Thread-local data: values are per tmm thread (also when many share one
// kernel thread), destructors run at thread exit, repeatedly if they store
// new values, and deleted keys read as NULL.
#include <errno.h>
#include <stdint.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static tmm_key_t key;

/* Stores its own value, yields many times, checks it still reads its own. */
static void *keeps_own_value(void *arg)
{
	intptr_t mismatches = 0;

	if (tmm_getspecific(key) != NULL)
		return (void *)-1;
	if (tmm_setspecific(key, arg))
		return (void *)-1;
	for (int i = 0; i < 1000; i++) {
		tmm_yield();
		mismatches += tmm_getspecific(key) != arg;
	}
	return (void *)mismatches;
}

TEST_F(rt, values_are_per_tmm_thread)
{
	static int slots[16];
	tmm_thread_t *t[16];
	void *ret;

	ASSERT_EQ(0, tmm_key_create(&key, NULL));
	ASSERT_EQ(0, tmm_setspecific(key, &key));
	for (int i = 0; i < 16; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, keeps_own_value, &slots[i]));
	for (int i = 0; i < 16; i++) {
		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(0, (intptr_t)ret);
	}
	EXPECT_EQ(&key, tmm_getspecific(key));
	EXPECT_EQ(0, tmm_key_delete(key));
}

static int destroyed[4];

static void destroy(void *value)
{
	__atomic_fetch_add((int *)value, 1, __ATOMIC_RELAXED);
}

static void *set_and_leave(void *arg)
{
	tmm_setspecific(key, arg);
	return NULL;
}

TEST_F(rt, destructors_run_at_thread_exit)
{
	tmm_thread_t *t[4];

	ASSERT_EQ(0, tmm_key_create(&key, destroy));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, set_and_leave, i == 3 ? NULL : &destroyed[i]));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, tmm_join(t[i], NULL));
	EXPECT_EQ(1, destroyed[0]);
	EXPECT_EQ(1, destroyed[1]);
	EXPECT_EQ(1, destroyed[2]);
	EXPECT_EQ(0, destroyed[3]); /* NULL values have no destructor call */
	EXPECT_EQ(0, tmm_key_delete(key));
}

static void *exit_with_value(void *arg)
{
	tmm_setspecific(key, arg);
	tmm_exit(NULL);
}

TEST_F(rt, destructors_run_on_tmm_exit)
{
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_key_create(&key, destroy));
	ASSERT_EQ(0, tmm_create(&t, NULL, exit_with_value, &destroyed[0]));
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(1, destroyed[0]);
}

static int passes;

/* Stores a new value each time, as a destructor may: runs a bounded number of times. */
static void restore(void *value)
{
	passes++;
	tmm_setspecific(key, value);
}

TEST_F(rt, destructors_repeat_but_not_forever)
{
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_key_create(&key, restore));
	ASSERT_EQ(0, tmm_create(&t, NULL, set_and_leave, &passes));
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_GT(passes, 1);
	EXPECT_LE(passes, 4);
}

TEST_F(rt, deleted_key_reads_null_and_rejects_values)
{
	tmm_key_t again;

	ASSERT_EQ(0, tmm_key_create(&key, NULL));
	ASSERT_EQ(0, tmm_setspecific(key, &key));
	ASSERT_EQ(0, tmm_key_delete(key));
	EXPECT_EQ(NULL, tmm_getspecific(key));
	EXPECT_EQ(EINVAL, tmm_setspecific(key, &key));
	EXPECT_EQ(EINVAL, tmm_key_delete(key));
	/* A new key in the same slot starts empty. */
	ASSERT_EQ(0, tmm_key_create(&again, NULL));
	EXPECT_EQ(NULL, tmm_getspecific(again));
	EXPECT_EQ(0, tmm_key_delete(again));
}

TEST_F(rt, bad_keys_are_einval)
{
	EXPECT_EQ(EINVAL, tmm_key_create(NULL, NULL));
	EXPECT_EQ(EINVAL, tmm_setspecific(100000, NULL));
	EXPECT_EQ(NULL, tmm_getspecific(100000));
	EXPECT_EQ(EINVAL, tmm_key_delete(100000));
}

TEST_F(rt, keys_run_out_with_eagain)
{
	tmm_key_t keys[4096];
	int made = 0, err = 0;

	while (made < 4096 && !(err = tmm_key_create(&keys[made], NULL)))
		made++;
	EXPECT_EQ(EAGAIN, err);
	EXPECT_GE(made, 128);
	while (made--)
		EXPECT_EQ(0, tmm_key_delete(keys[made]));
}

TEST_HARNESS_MAIN
