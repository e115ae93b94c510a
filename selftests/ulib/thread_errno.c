// errno belongs to the tmm thread, as it belongs to the pthread under NPTL:
// under every model a thread finds the errno it left when it resumes, whatever
// the threads that ran meanwhile did to theirs, and whichever kernel thread
// it resumes on; a new thread starts with errno 0.  errno is read through
// tmm_io.h, which looks its address up afresh after a call that may have
// moved the thread to another kernel thread.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"
#include "tmm_io.h"

#include "runtime_fixture.h"

#define ROUNDS 2000

struct yielder {
	int value;  /* what this thread keeps setting errno to */
	long wrong; /* resumptions that found another value */
};

static void *set_and_yield(void *arg)
{
	struct yielder *y = arg;

	for (int i = 0; i < ROUNDS; i++) {
		errno = y->value + i;
		tmm_yield();
		if (errno != y->value + i)
			y->wrong++;
	}
	return NULL;
}

TEST_F(rt, errno_survives_yields_between_threads_setting_theirs)
{
	struct yielder y[3] = {{.value = 1000}, {.value = 100000}, {.value = 200000}};
	tmm_thread_t *t[2];

	ASSERT_EQ(0, tmm_create(&t[0], NULL, set_and_yield, &y[1]));
	ASSERT_EQ(0, tmm_create(&t[1], NULL, set_and_yield, &y[2]));
	set_and_yield(&y[0]);
	ASSERT_EQ(0, tmm_join(t[0], NULL));
	ASSERT_EQ(0, tmm_join(t[1], NULL));
	EXPECT_EQ(0, y[0].wrong);
	EXPECT_EQ(0, y[1].wrong);
	EXPECT_EQ(0, y[2].wrong);
}

static tmm_mutex_t held = TMM_MUTEX_INITIALIZER;
static tmm_event_t holder_waits;
static int holder_errno;

/* Holds the mutex main will park on, and fails a system call of its own meanwhile. */
static void *hold_then_fail(void *arg)
{
	(void)arg;
	tmm_mutex_lock(&held);
	tmm_event_wait(&holder_waits);
	tmm_sleep_ns(2 * MS); /* main is parked on the mutex by now */
	if (open("/nonexistent/tmm-errno", O_RDONLY) < 0)
		holder_errno = errno;
	tmm_mutex_unlock(&held);
	return NULL;
}

TEST_F(rt, errno_of_a_failed_call_survives_a_park)
{
	tmm_thread_t *t;
	int got;

	ASSERT_EQ(0, tmm_event_init(&holder_waits));
	ASSERT_EQ(0, tmm_create(&t, NULL, hold_then_fail, NULL));
	while (tmm_mutex_trylock(&held) == 0) { /* until the holder has it */
		tmm_mutex_unlock(&held);
		tmm_yield();
	}
	ASSERT_EQ(-1, close(-1));
	ASSERT_EQ(EBADF, errno);
	tmm_event_set(&holder_waits);
	tmm_mutex_lock(&held); /* parks until the holder is done */
	got = errno;
	tmm_mutex_unlock(&held);
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(ENOENT, holder_errno);
	EXPECT_EQ(EBADF, got);
	tmm_event_destroy(&holder_waits);
}

static void *report_errno(void *arg)
{
	return (void *)(intptr_t)errno;
}

TEST_F(rt, a_new_thread_starts_with_errno_zero)
{
	tmm_thread_t *t;
	void *got = (void *)1;

	errno = EINVAL;
	ASSERT_EQ(0, tmm_create(&t, NULL, report_errno, NULL));
	ASSERT_EQ(0, tmm_join(t, &got));
	EXPECT_EQ(0, (intptr_t)got);
	EXPECT_EQ(EINVAL, errno);
}

static void *move_with_errno(void *arg)
{
	int *moved = arg;

	if (tmm_bind_processor(0))
		return (void *)1;
	errno = 4242;
	if (tmm_bind_processor(1))
		return (void *)2;
	*moved = tmm_current_processor() == 1;
	return (void *)(intptr_t)(errno == 4242 ? 0 : 3);
}

/* Under M:N processor 1 is another kernel thread's: errno moves with the thread. */
TEST_F(rt, errno_moves_with_a_thread_to_another_processor)
{
	tmm_thread_t *t;
	void *rc = (void *)-1;
	int moved = 0;

	if (tmm_processor_count() < 2)
		SKIP(return, "one processor: nowhere to move to");
	ASSERT_EQ(0, tmm_create(&t, NULL, move_with_errno, &moved));
	ASSERT_EQ(0, tmm_join(t, &rc));
	EXPECT_EQ(0, (intptr_t)rc);
	EXPECT_EQ(1, moved);
}

TEST_HARNESS_MAIN
