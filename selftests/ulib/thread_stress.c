// Many threads: 10,000 created and joined, and 100,000 alive at once under
// the user-level models (each parked in tmm_sleep_ns until all exist).
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static void *plus_one(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

TEST_F(rt, create_and_join_10000)
{
	enum { N = 10000 };
	tmm_thread_t **t = calloc(N, sizeof(*t));
	uintptr_t sum = 0;
	void *ret;

	ASSERT_NE(NULL, t);
	for (uintptr_t i = 0; i < N; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, plus_one, (void *)i));
	for (uintptr_t i = 0; i < N; i++) {
		ASSERT_EQ(0, tmm_join(t[i], &ret));
		sum += (uintptr_t)ret;
	}
	EXPECT_EQ((uintptr_t)N * (N + 1) / 2, sum);
	EXPECT_EQ(1u, tmm_active_count());
	free(t);
}

static int started, go;

static void *park_until_go(void *arg)
{
	__atomic_fetch_add(&started, 1, __ATOMIC_RELAXED);
	/* Long sleeps: 100,000 sleepers must not keep the scheduler busy. */
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		tmm_sleep_ns(200 * MS);
	return arg;
}

TEST_F(rt, hundred_thousand_live_threads)
{
	enum { N = 100000 };
	tmm_thread_t **t;

	if (tmm_current_model() == TMM_1TO1)
		SKIP(return, "1:1 makes one kernel thread per tmm thread");
	t = calloc(N, sizeof(*t));
	ASSERT_NE(NULL, t);
	for (int i = 0; i < N; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, park_until_go, NULL));
	while (__atomic_load_n(&started, __ATOMIC_ACQUIRE) < N)
		tmm_sleep_ns(MS);
	EXPECT_EQ((size_t)N + 1, tmm_active_count());
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < N; i++)
		ASSERT_EQ(0, tmm_join(t[i], NULL));
	EXPECT_EQ(1u, tmm_active_count());
	free(t);
}

TEST_HARNESS_MAIN
