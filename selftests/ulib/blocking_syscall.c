// What a raw blocking system call does to the other threads: under M:1 it
// stops all of them (one kernel thread), under 1:1 and M:N it does not (M:N
// hands the blocked worker's queue to another kernel thread, also with
// TMM_KTHREADS=1).
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static int stop, blocking;
static long progress, at_block, while_blocked;
static int pipe_fds[2];

static long read_progress(void)
{
	return __atomic_load_n(&progress, __ATOMIC_ACQUIRE);
}

static void *count(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&progress, 1, __ATOMIC_RELEASE);
		tmm_yield();
	}
	return arg;
}

static void *read_pipe(void *arg)
{
	char c;

	at_block = read_progress();
	__atomic_store_n(&blocking, 1, __ATOMIC_RELEASE);
	return (void *)(intptr_t)read(pipe_fds[0], &c, 1);
}

static void *raw_sleep(void *arg)
{
	struct timespec ts = {0, 100 * MS};

	at_block = read_progress();
	__atomic_store_n(&blocking, 1, __ATOMIC_RELEASE);
	nanosleep(&ts, NULL);
	while_blocked = read_progress(); /* nothing can have run before this under M:1 */
	return (void *)1;
}

/* Not a tmm thread: looks at the counter while the reader sits in read(). */
static void *observer(void *arg)
{
	struct timespec ts = {0, 100 * MS};

	while (!__atomic_load_n(&blocking, __ATOMIC_ACQUIRE))
		nanosleep(&(struct timespec){0, MS / 10}, NULL);
	nanosleep(&ts, NULL);
	while_blocked = read_progress();
	if (write(pipe_fds[1], "x", 1) != 1)
		return (void *)-1;
	return NULL;
}

/* Runs @blocker next to a counting thread; returns how far the counter got meanwhile. */
static long progress_while_blocked(struct __test_metadata *_metadata, void *(*blocker)(void *))
{
	tmm_thread_t *counter, *blocked;
	pthread_t watcher;
	void *ret;

	ASSERT_EQ(0, pipe(pipe_fds));
	ASSERT_EQ(0, tmm_create(&counter, NULL, count, NULL));
	while (read_progress() == 0)
		tmm_yield();
	if (blocker == read_pipe)
		ASSERT_EQ(0, pthread_create(&watcher, NULL, observer, NULL));
	ASSERT_EQ(0, tmm_create(&blocked, NULL, blocker, NULL));
	ASSERT_EQ(0, tmm_join(blocked, &ret));
	EXPECT_EQ(1, (intptr_t)ret);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	EXPECT_EQ(0, tmm_join(counter, NULL));
	if (blocker == read_pipe)
		EXPECT_EQ(0, pthread_join(watcher, NULL));
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	return while_blocked - at_block;
}

TEST_F(rt, raw_read_blocks_everyone_only_under_m1)
{
	long moved = progress_while_blocked(_metadata, read_pipe);

	if (tmm_current_model() == TMM_M1) {
		EXPECT_EQ(0, moved);
	} else {
		EXPECT_GT(moved, 0);
	}
}

TEST_F(rt, raw_sleep_blocks_everyone_only_under_m1)
{
	long moved = progress_while_blocked(_metadata, raw_sleep);

	if (tmm_current_model() == TMM_M1) {
		EXPECT_EQ(0, moved);
	} else {
		EXPECT_GT(moved, 0);
	}
}

static void *write_later(void *arg)
{
	nanosleep(&(struct timespec){0, 50 * MS}, NULL);
	return (void *)(intptr_t)write(pipe_fds[1], "x", 1);
}

/*
 * Under M:N the reader's worker loses its processor while in read(); when
 * read() returns, the reader ends on that worker and must still wake its
 * joiner, parked on the worker that took over (and asleep there).
 */
TEST_F(rt, thread_leaving_a_raw_read_wakes_its_joiner)
{
	for (int round = 0; round < 5; round++) {
		tmm_thread_t *reader;
		pthread_t writer;
		void *ret;

		ASSERT_EQ(0, pipe(pipe_fds));
		ASSERT_EQ(0, tmm_create(&reader, NULL, read_pipe, NULL));
		ASSERT_EQ(0, pthread_create(&writer, NULL, write_later, NULL));
		tmm_sleep_ns(5 * MS); /* the reader blocks; main moves on */
		ASSERT_EQ(0, tmm_join(reader, &ret));
		EXPECT_EQ(1, (intptr_t)ret);
		ASSERT_EQ(0, pthread_join(writer, NULL));
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		__atomic_store_n(&blocking, 0, __ATOMIC_RELEASE);
	}
}

TEST_HARNESS_MAIN
