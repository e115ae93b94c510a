// Blocking figures against known workloads: a thread sleeping 20 x 10 ms
// shows those interruptible blocks, inside nanosleep; a parent waiting for a
// vfork child that sleeps 100 ms shows an uninterruptible block that long.
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"
#include "tracked_self.h"

#define MS 1000000ull

struct worker {
	pthread_t thread;
	pid_t tid;
	sem_t done;
	sem_t release;
	int status;
};

static void *sleep_20_times(void *arg)
{
	struct worker *w = arg;
	struct timespec ten_ms = {0, 10 * 1000 * 1000};
	int i;

	w->tid = (pid_t)syscall(SYS_gettid);
	for (i = 0; i < 20; i++)
		nanosleep(&ten_ms, NULL);
	sem_post(&w->done);
	sem_wait(&w->release);
	return NULL;
}

static void *vfork_sleeper(void *arg)
{
	struct worker *w = arg;
	struct timespec hundred_ms = {0, 100 * 1000 * 1000};
	pid_t child;

	w->tid = (pid_t)syscall(SYS_gettid);
	child = vfork();
	if (child == 0) {
		// Only raw system calls in a vfork child.
		syscall(SYS_nanosleep, &hundred_ms, NULL);
		_exit(0);
	}
	waitpid(child, &w->status, 0);
	sem_post(&w->done);
	sem_wait(&w->release);
	return NULL;
}

static void worker_run(struct worker *w, void *(*fn)(void *))
{
	sem_init(&w->done, 0, 0);
	sem_init(&w->release, 0, 0);
	pthread_create(&w->thread, NULL, fn, w);
	sem_wait(&w->done);
}

static void worker_end(struct worker *w)
{
	sem_post(&w->release);
	pthread_join(w->thread, NULL);
}

// Blocks counted in buckets @first and above.
static uint64_t hist_sum_from(const uint64_t *hist, int first)
{
	uint64_t sum = 0;
	int i;

	for (i = first; i < TMM_HIST_BUCKETS; i++)
		sum += hist[i];
	return sum;
}

static uint64_t hist_sum(const uint64_t *hist)
{
	return hist_sum_from(hist, 0);
}

static int is_sleep_syscall(int nr)
{
	return nr == SYS_nanosleep || nr == SYS_clock_nanosleep;
}

TEST_F(tracked_self, sleeper_shows_20_interruptible_blocks_in_nanosleep)
{
	struct tmm_thread_stat st;
	struct worker w;
	uint64_t s_ns, sleep_ns = 0, sleep_blocks = 0;
	int i;

	worker_run(&w, sleep_20_times);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, w.tid, &st));
	worker_end(&w);
	s_ns = st.v[TMM_THREAD_A_S_BLOCK_NS];
	for (i = 0; i < st.n_syscalls; i++) {
		if (is_sleep_syscall(st.syscalls[i].nr)) {
			sleep_blocks += st.syscalls[i].blocks;
			sleep_ns += st.syscalls[i].block_ns;
		}
	}
	TH_LOG("S blocks %llu, %llu ns, longest %llu ns; in nanosleep %llu, %llu ns",
	       (unsigned long long)st.v[TMM_THREAD_A_S_BLOCKS], (unsigned long long)s_ns,
	       (unsigned long long)st.v[TMM_THREAD_A_S_BLOCK_MAX_NS],
	       (unsigned long long)sleep_blocks, (unsigned long long)sleep_ns);
	EXPECT_GE(st.v[TMM_THREAD_A_S_BLOCKS], 20u);
	EXPECT_GE(s_ns, 200 * MS);
	EXPECT_GE(st.v[TMM_THREAD_A_S_BLOCK_MAX_NS], 10 * MS);
	EXPECT_GE(sleep_blocks, 20u);
	EXPECT_GE(sleep_ns, 200 * MS);
	EXPECT_GE(sleep_ns, s_ns / 2); // mostly in nanosleep
	// Every block is in the histogram, once.
	EXPECT_EQ(st.v[TMM_THREAD_A_S_BLOCKS] + st.v[TMM_THREAD_A_D_BLOCKS],
		  hist_sum(st.block_hist));
	// 10 ms lies in bucket 14, [8192 us, 16384 us); a late timer on a busy
	// host moves a sleep up, never down.
	EXPECT_GE(hist_sum_from(st.block_hist, 14), 20u);
	// Each wakeup is followed by a run-queue wait, not the other way round.
	EXPECT_LE(hist_sum(st.wakeup_hist), st.v[TMM_THREAD_A_RUNQ_WAITS]);
	EXPECT_GE(hist_sum(st.wakeup_hist), 20u);
	EXPECT_GE(st.v[TMM_THREAD_A_VOL_SWITCHES], 20u);
}

TEST_F(tracked_self, vfork_parent_shows_an_uninterruptible_block)
{
	struct tmm_thread_stat st;
	struct worker w;
	uint64_t longest;
	int i, in_vfork = 0;

	worker_run(&w, vfork_sleeper);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, w.tid, &st));
	worker_end(&w);
	ASSERT_TRUE(WIFEXITED(w.status));
	longest = st.v[TMM_THREAD_A_D_BLOCK_MAX_NS];
	for (i = 0; i < st.n_syscalls; i++)
		if (st.syscalls[i].nr == SYS_vfork || st.syscalls[i].nr == SYS_clone ||
		    st.syscalls[i].nr == SYS_clone3)
			in_vfork = 1;
	TH_LOG("D blocks %llu, longest %llu ns", (unsigned long long)st.v[TMM_THREAD_A_D_BLOCKS],
	       (unsigned long long)longest);
	EXPECT_GE(st.v[TMM_THREAD_A_D_BLOCKS], 1u);
	/*
	 * The child can start its sleep on the other CPU before the parent has
	 * switched out, and under emulation that gap reaches a few ms.
	 */
	EXPECT_GE(longest, 90 * MS);
	EXPECT_LE(longest, 2000 * MS);
	EXPECT_TRUE(in_vfork);
}

TEST_HARNESS_MAIN
