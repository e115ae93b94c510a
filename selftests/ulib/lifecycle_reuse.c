// A thread that ends leaves its record and its stack to the next ones
// created: they must start as new as the first did (no thread-local value,
// a state, a name and a join of their own, a stack of the size they asked
// for), and a thread that already exited is joined at once.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

#define KIB 1024u

static tmm_key_t key;

struct gate {
	int open;
};

static struct gate open_gate = {1};

/* Waits for its gate, reports whether it found a thread-local value, then stores one. */
static void *store_after_gate(void *arg)
{
	struct gate *g = arg;
	void *found;

	while (!__atomic_load_n(&g->open, __ATOMIC_ACQUIRE))
		tmm_yield();
	found = tmm_getspecific(key);
	tmm_setspecific(key, g);
	return found;
}

static unsigned long name_number(const char *name)
{
	unsigned long n = 0;

	if (sscanf(name, "thread-%lu", &n) != 1)
		return 0;
	return n;
}

TEST_F(rt, reused_records_start_fresh)
{
	struct tmm_attr detached = {.detached = 1}, named = {.name = "named"};
	unsigned long last = 0;

	ASSERT_EQ(0, tmm_key_create(&key, NULL));
	for (int i = 0; i < 300; i++) {
		struct gate gate = {0};
		tmm_thread_t *t;
		void *found = &found;
		char expected[40];
		unsigned long n;

		/* Ahead of it, records of every kind end: detached, named, joined. */
		ASSERT_EQ(0, tmm_create(&t, &detached, store_after_gate, &open_gate));
		ASSERT_EQ(0, tmm_create(&t, &named, store_after_gate, &open_gate));
		ASSERT_EQ(0, tmm_join(t, &found));
		EXPECT_EQ(NULL, found);

		ASSERT_EQ(0, tmm_create(&t, NULL, store_after_gate, &gate));
		EXPECT_NE((int)TMM_TERMINATED, (int)tmm_thread_state(t));
		n = name_number(tmm_thread_name(t));
		snprintf(expected, sizeof(expected), "thread-%lu", n);
		EXPECT_STREQ(expected, tmm_thread_name(t));
		/* Ids are handed to kernel threads in blocks: in order on one. */
		if (one_processor()) {
			EXPECT_GT(n, last) TH_LOG("default names count up, past named threads");
		} else {
			EXPECT_NE(n, last);
		}
		last = n;
		__atomic_store_n(&gate.open, 1, __ATOMIC_RELEASE);
		ASSERT_EQ(0, tmm_join(t, &found));
		EXPECT_EQ(NULL, found) TH_LOG("round %d: an earlier thread's value", i);
		EXPECT_EQ((int)TMM_TERMINATED, (int)tmm_thread_state(t));
	}
	EXPECT_EQ(0, tmm_key_delete(key));
}

static int done;

static void *mark_done(void *arg)
{
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return arg;
}

TEST_F(rt, join_after_exit_returns_at_once)
{
	for (int i = 0; i < 50; i++) {
		tmm_thread_t *t;
		void *ret = NULL;

		__atomic_store_n(&done, 0, __ATOMIC_RELEASE);
		ASSERT_EQ(0, tmm_create(&t, NULL, mark_done, (void *)(intptr_t)(i + 1)));
		while (tmm_thread_state(t) != TMM_TERMINATED)
			tmm_sleep_ns(MS / 10);
		EXPECT_EQ(1, __atomic_load_n(&done, __ATOMIC_ACQUIRE));
		EXPECT_EQ(1u, tmm_active_count()) TH_LOG("terminated is not live");
		ASSERT_EQ(0, tmm_join(t, &ret));
		EXPECT_EQ(i + 1, (intptr_t)ret);
	}
}

/* Writes @bytes of its stack, in frames of 1 KiB; returns a sum so none is optimised away. */
static __attribute__((noinline)) uintptr_t use_stack(size_t bytes)
{
	volatile char frame[KIB];

	for (size_t i = 0; i < sizeof(frame); i += 64)
		frame[i] = (char)bytes;
	if (bytes <= KIB)
		return (uintptr_t)frame[0];
	return use_stack(bytes - KIB) + (uintptr_t)frame[0];
}

static void *use_half_of(void *arg)
{
	return (void *)use_stack((size_t)(uintptr_t)arg / 2);
}

TEST_F(rt, reused_stacks_have_the_size_asked_for)
{
	/* Half of 256 KiB overflows the 64 KiB default and 16 KiB: each must get its own size. */
	static const size_t sizes[] = {64 * KIB, 256 * KIB, 16 * KIB, 256 * KIB, 64 * KIB};

	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct tmm_attr attr = {.stack_size = sizes[i]};
			tmm_thread_t *t;

			void *size = (void *)(uintptr_t)sizes[i];

			ASSERT_EQ(0, tmm_create(&t, &attr, use_half_of, size));
			ASSERT_EQ(0, tmm_join(t, NULL));
		}
}

TEST_HARNESS_MAIN
