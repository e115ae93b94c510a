// Scheduling figures against known workloads: a thread spinning for a time
// it measures itself shows that much on-CPU time; two spinners pinned to one
// CPU wait for it in the run queue.
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"
#include "tracked_self.h"

#define MS 1000000ull

struct spinner {
	pthread_t thread;
	pid_t tid;
	int pin_cpu; // -1: not pinned
	uint64_t spin_ns;
	uint64_t cpu_ns; // the thread's own CPU clock when it stopped
	sem_t *start;
	sem_t done;
	sem_t release;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *spin(void *arg)
{
	struct spinner *s = arg;
	cpu_set_t set;

	s->tid = (pid_t)syscall(SYS_gettid);
	if (s->pin_cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(s->pin_cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	if (s->start)
		sem_wait(s->start);
	while (thread_cpu_ns() < s->spin_ns)
		;
	s->cpu_ns = thread_cpu_ns();
	sem_post(&s->done);
	// Stays alive, asleep, until the figures are read.
	sem_wait(&s->release);
	return NULL;
}

static void spinner_start(struct spinner *s, uint64_t spin_ns, int pin_cpu, sem_t *start)
{
	s->spin_ns = spin_ns;
	s->pin_cpu = pin_cpu;
	s->start = start;
	sem_init(&s->done, 0, 0);
	sem_init(&s->release, 0, 0);
	pthread_create(&s->thread, NULL, spin, s);
}

static void spinner_stop(struct spinner *s)
{
	sem_post(&s->release);
	pthread_join(s->thread, NULL);
}

TEST_F(tracked_self, spinner_on_cpu_time_matches_its_cpu_clock)
{
	struct tmm_thread_stat st;
	struct spinner s;
	uint64_t on_cpu;

	spinner_start(&s, 200 * MS, -1, NULL);
	sem_wait(&s.done);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, s.tid, &st));
	spinner_stop(&s);
	on_cpu = st.v[TMM_THREAD_A_ON_CPU_NS];
	TH_LOG("spinner: cpu clock %llu ns, module on-CPU %llu ns", (unsigned long long)s.cpu_ns,
	       (unsigned long long)on_cpu);
	EXPECT_EQ(s.tid, (pid_t)st.tid);
	EXPECT_EQ(getpid(), (pid_t)st.tgid);
	EXPECT_GE(on_cpu, s.cpu_ns - s.cpu_ns / 10);
	EXPECT_LE(on_cpu, s.cpu_ns + s.cpu_ns / 10);
	EXPECT_GE(st.v[TMM_THREAD_A_SCHED_IN], 1u);
}

TEST_F(tracked_self, pinned_spinners_wait_in_the_run_queue)
{
	struct tmm_thread_stat a, b;
	struct spinner s[2];
	sem_t start;
	int i;

	sem_init(&start, 0, 0);
	for (i = 0; i < 2; i++)
		spinner_start(&s[i], 150 * MS, 0, &start);
	usleep(20000); // both are pinned and waiting on start
	sem_post(&start);
	sem_post(&start);
	for (i = 0; i < 2; i++)
		sem_wait(&s[i].done);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, s[0].tid, &a));
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, s[1].tid, &b));
	for (i = 0; i < 2; i++)
		spinner_stop(&s[i]);
	TH_LOG("run-queue delay %llu ns over %llu waits, %llu ns over %llu waits",
	       (unsigned long long)a.v[TMM_THREAD_A_RUNQ_DELAY_NS],
	       (unsigned long long)a.v[TMM_THREAD_A_RUNQ_WAITS],
	       (unsigned long long)b.v[TMM_THREAD_A_RUNQ_DELAY_NS],
	       (unsigned long long)b.v[TMM_THREAD_A_RUNQ_WAITS]);
	// Sharing one CPU, each waits while the other spins.
	EXPECT_GE(a.v[TMM_THREAD_A_RUNQ_DELAY_NS], 50 * MS);
	EXPECT_GE(b.v[TMM_THREAD_A_RUNQ_DELAY_NS], 50 * MS);
	EXPECT_GE(a.v[TMM_THREAD_A_INVOL_SWITCHES], 2u);
	EXPECT_GE(b.v[TMM_THREAD_A_INVOL_SWITCHES], 2u);
	EXPECT_EQ(0, (int)a.cpu);
	EXPECT_EQ(0, (int)b.cpu);
}

TEST_F(tracked_self, unpinned_thread_migrations_are_counted)
{
	struct tmm_thread_stat st;
	struct spinner s;
	cpu_set_t set;
	int cpu;

	spinner_start(&s, 30 * MS, -1, NULL);
	// Moves the spinner from CPU to CPU while it runs.
	for (cpu = 0; cpu < 6; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu % 2, &set);
		pthread_setaffinity_np(s.thread, sizeof(set), &set);
		usleep(2000);
	}
	sem_wait(&s.done);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, s.tid, &st));
	spinner_stop(&s);
	EXPECT_GE(st.v[TMM_THREAD_A_MIGRATIONS], 1u);
}

TEST_HARNESS_MAIN
