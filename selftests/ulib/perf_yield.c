// Behaviour the fast paths must keep: a thread asleep on a timer still wakes
// while others yield to each other without pause (M:1 yields may switch
// straight from thread to thread), and default names are "thread-" and
// the number, whatever its digits.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static int stop;

static void *yield_until_stop(void *arg)
{
	unsigned long *count = arg;

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		tmm_yield();
		(*count)++;
	}
	return NULL;
}

static void *sleep_then_stop(void *arg)
{
	(void)arg;
	tmm_sleep_ns(5 * MS);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(rt, sleeper_wakes_while_others_yield)
{
	unsigned long counts[2] = {0, 0};
	tmm_thread_t *a, *b, *s;

	__atomic_store_n(&stop, 0, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_create(&a, NULL, yield_until_stop, &counts[0]));
	ASSERT_EQ(0, tmm_create(&b, NULL, yield_until_stop, &counts[1]));
	ASSERT_EQ(0, tmm_create(&s, NULL, sleep_then_stop, NULL));
	EXPECT_EQ(0, tmm_join(s, NULL));
	EXPECT_EQ(0, tmm_join(a, NULL));
	EXPECT_EQ(0, tmm_join(b, NULL));
	/* Elsewhere the kernel may start a yielder only after the sleep ended. */
	if (one_processor()) {
		EXPECT_GT(counts[0], 0ul);
		EXPECT_GT(counts[1], 0ul);
	}
}

static void *nothing(void *arg)
{
	return arg;
}

TEST_F(rt, default_names_spell_the_number)
{
	for (int i = 0; i < 2000; i++) {
		tmm_thread_t *t;
		unsigned long n;
		char expected[40];

		ASSERT_EQ(0, tmm_create(&t, NULL, nothing, NULL));
		ASSERT_EQ(1, sscanf(tmm_thread_name(t), "thread-%lu", &n));
		snprintf(expected, sizeof(expected), "thread-%lu", n);
		EXPECT_STREQ(expected, tmm_thread_name(t));
		EXPECT_EQ(0, tmm_join(t, NULL));
	}
}

TEST_HARNESS_MAIN
