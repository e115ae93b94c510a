// tmm_once: the function runs exactly once however many threads race for
// it, every caller returns only once it has run (the others park, even while
// it sleeps under M:1), later calls return at once, and the error cases.
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

#define RACERS 16

static tmm_once_t race_once = TMM_ONCE_INIT;
static int runs;  /* atomic */
static int ready; /* written by the once function only */

static void slow_init(void)
{
	__atomic_fetch_add(&runs, 1, __ATOMIC_RELAXED);
	tmm_sleep_ns(5 * MS); /* parks: the others must wait without running it */
	ready = 42;
}

static void *race(void *arg)
{
	int rc = tmm_once(&race_once, slow_init);

	/* Only after the function returned: its writes are visible. */
	return (void *)(intptr_t)(rc ? -rc : ready);
}

TEST_F(rt, runs_once_and_every_caller_sees_it_done)
{
	tmm_thread_t *t[RACERS];

	for (int i = 0; i < RACERS; i++)
		ASSERT_EQ(0, tmm_create(&t[i], NULL, race, NULL));
	EXPECT_EQ(42, (intptr_t)race(NULL));
	for (int i = 0; i < RACERS; i++) {
		void *seen = NULL;

		ASSERT_EQ(0, tmm_join(t[i], &seen));
		EXPECT_EQ(42, (intptr_t)seen);
	}
	EXPECT_EQ(1, __atomic_load_n(&runs, __ATOMIC_RELAXED));
	EXPECT_EQ(0, tmm_once(&race_once, slow_init)); /* done: at once */
	EXPECT_EQ(1, __atomic_load_n(&runs, __ATOMIC_RELAXED));
}

static tmm_once_t nested_once = TMM_ONCE_INIT;
static int nested_rc = -1;

static void nop(void)
{
}

static void calls_itself(void)
{
	nested_rc = tmm_once(&nested_once, nop);
}

TEST_F(rt, init_calling_its_own_once_is_edeadlk)
{
	EXPECT_EQ(0, tmm_once(&nested_once, calls_itself));
	EXPECT_EQ(EDEADLK, nested_rc);
	EXPECT_EQ(0, tmm_once(&nested_once, calls_itself)); /* done */
}

static int counted;

static void count(void)
{
	counted++;
}

TEST_F(rt, a_local_once_initialised_like_a_static_one)
{
	tmm_once_t once = TMM_ONCE_INIT;

	counted = 0;
	EXPECT_EQ(0, tmm_once(&once, count));
	EXPECT_EQ(0, tmm_once(&once, count));
	EXPECT_EQ(1, counted);
}

TEST_F(rt, bad_arguments_are_einval)
{
	tmm_once_t once = TMM_ONCE_INIT;
	tmm_once_t zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	EXPECT_EQ(EINVAL, tmm_once(NULL, count));
	EXPECT_EQ(EINVAL, tmm_once(&once, NULL));
	EXPECT_EQ(EINVAL, tmm_once(&zeroed, count));
}

static tmm_once_t foreign_once = TMM_ONCE_INIT;

static void *foreign_call(void *arg)
{
	return (void *)(intptr_t)tmm_once(&foreign_once, count);
}

/* A plain pthread cannot wait as a tmm thread: EPERM until it has run. */
TEST_F(rt, a_foreign_thread_gets_eperm_until_it_ran)
{
	pthread_t p;
	void *rc = (void *)-1;

	counted = 0;
	ASSERT_EQ(0, pthread_create(&p, NULL, foreign_call, NULL));
	ASSERT_EQ(0, pthread_join(p, &rc));
	EXPECT_EQ(EPERM, (intptr_t)rc);
	EXPECT_EQ(0, counted);
	EXPECT_EQ(0, tmm_once(&foreign_once, count));
	ASSERT_EQ(0, pthread_create(&p, NULL, foreign_call, NULL));
	ASSERT_EQ(0, pthread_join(p, &rc));
	EXPECT_EQ(0, (intptr_t)rc);
	EXPECT_EQ(1, counted);
}

TEST_HARNESS_MAIN
