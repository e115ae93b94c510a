/*
 * sched_mn.c — many-to-many: any number of tmm threads over N kernel threads
 * (TMM_KTHREADS, default the number of CPUs), and the monitor that keeps a
 * blocking system call from stalling the others.
 *
 * Concepts: the engine of sched_user.c with N processors, each with its own
 * run queue, and N workers to start with (the caller of tmm_init and N-1
 * new kernel threads).  Idle workers steal half of a busy processor's queue,
 * so CPU-bound threads spread over every core, and otherwise sleep on a
 * futex, after up to SPIN_NS of looking for work while another worker runs
 * threads (one spinner at a time, sched_user.c).  A thread made runnable
 * wakes an idle worker unless one spins.
 *
 * The monitor (Go's sysmon) is one more kernel thread that never runs tmm
 * threads.  While some worker runs a thread it wakes every MONITOR_PERIOD
 * (backing off to MONITOR_PERIOD_MAX while no worker switches) and
 * looks at each processor: if its worker entered the running thread (the
 * processor's tick and entered_at) HANDOFF_AFTER ago or more, work is waiting
 * that no idle worker will take, and the worker's kernel thread is not on a
 * CPU (its /proc state is not 'R': it sleeps in a system call, it is not
 * computing), the monitor takes the processor away (a compare-and-swap on its
 * status word) and hands it to a spare worker, starting one when none waits.
 * So at most N workers run threads at a time, and with TMM_KTHREADS=1 too
 * a thread in read() no longer stalls the rest: they move within about
 * HANDOFF_AFTER + MONITOR_PERIOD.  When no worker runs a thread the monitor
 * sleeps on a futex until one does (tmm_monitor_kick), so an idle process has
 * no thread waking up periodically.
 *
 * Rejected: wrapping system calls to hand the processor off before each one
 * (Go's entersyscall): tmm cannot see raw system calls, which is the case
 * this model must handle; one spare kernel thread per blocked thread at once
 * (that is 1:1, with its costs); preempting CPU-bound threads with signals
 * (see sched_m1.c); handing off a computing worker's processor (it would
 * put N+1 kernel threads on CPUs; idle workers steal its queue instead).
 */
#include <fcntl.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "futex.h"
#include "sched_user.h"
#include "snapshot.h"

#define MONITOR_PERIOD_NS (20u * 1000)
#define MONITOR_PERIOD_MAX_NS (320u * 1000)
#define MONITOR_QUIET_CHECKS 50
#define HANDOFF_AFTER_NS (20u * 1000)

static struct {
	pthread_t thread;
	int started;
	int stop;
	int sleeping; /* futex word: 1 while waiting for a worker to run a thread */
} mon;

/* The kernel's scheduling state of a thread of ours: 'R', 'S', 'D'... */
static char kthread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the name may contain anything */
	return p && p[1] && p[2] ? p[2] : '?';
}

static int proc_stuck(struct tmm_proc *p, uint64_t status, uint64_t now)
{
	uint64_t tick = __atomic_load_n(&p->tick, __ATOMIC_ACQUIRE);
	uint64_t since = __atomic_load_n(&p->entered_at, __ATOMIC_ACQUIRE);
	struct tmm_worker *w;

	uint64_t clock = tmm_clock_ns(); /* entered_at's clock */

	if (__atomic_load_n(&p->tick, __ATOMIC_ACQUIRE) != tick || clock < since ||
	    clock - since < HANDOFF_AFTER_NS || !tmm_proc_work_waiting(p, now))
		return 0;
	w = __atomic_load_n(&p->owner, __ATOMIC_ACQUIRE);
	if (!w || PROC_STATUS(w, PROC_RUNNING) != status)
		return 0;
	return kthread_state(w->tid) != 'R';
}

/* One look at every processor; returns whether any worker runs a thread. */
static int monitor_check(void)
{
	uint64_t now = tmm_now_ns();
	unsigned int i;
	int running = 0;

	for (i = 0; i < tmm_us.nprocs; i++) {
		struct tmm_proc *p = &tmm_us.procs[i];
		uint64_t status = __atomic_load_n(&p->status, __ATOMIC_SEQ_CST);

		if ((status & 3) != PROC_RUNNING)
			continue;
		running = 1;
		if (proc_stuck(p, status, now) &&
		    __atomic_compare_exchange_n(&p->status, &status, PROC_HANDOFF, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			tmm_proc_hand_over(p, status);
	}
	return running;
}

static int any_running(void)
{
	unsigned int i;

	for (i = 0; i < tmm_us.nprocs; i++)
		if ((__atomic_load_n(&tmm_us.procs[i].status, __ATOMIC_SEQ_CST) & 3) ==
		    PROC_RUNNING)
			return 1;
	return 0;
}

/* Changes whenever any worker enters a thread. */
static uint64_t ticks_sum(void)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < tmm_us.nprocs; i++)
		sum += __atomic_load_n(&tmm_us.procs[i].tick, __ATOMIC_ACQUIRE);
	return sum;
}

/*
 * The period: MONITOR_PERIOD while workers switch threads, doubling after
 * MONITOR_QUIET_CHECKS looks without a switch (long computations) up to
 * MONITOR_PERIOD_MAX, so a process that only computes is not woken 50,000
 * times a second, and a hand-off still comes well within a millisecond.
 */
static void monitor_pace(struct timespec *period, uint64_t *last_sum, unsigned int *quiet)
{
	uint64_t sum = ticks_sum();

	if (sum != *last_sum) {
		*last_sum = sum;
		*quiet = 0;
		period->tv_nsec = MONITOR_PERIOD_NS;
	} else if (++*quiet >= MONITOR_QUIET_CHECKS && period->tv_nsec < MONITOR_PERIOD_MAX_NS) {
		*quiet = 0;
		period->tv_nsec *= 2;
	}
}

static void *monitor_main(void *arg)
{
	struct timespec period = {0, MONITOR_PERIOD_NS};
	uint64_t last_sum = 0;
	unsigned int quiet = 0;
	struct tmm_snap_kthread *snap = tmm_snapshot_kthread_add(tmm_gettid(), TMM_ROLE_MONITOR, 0);

	(void)arg;
	/* The default 50 us timer slack would stretch every period. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	while (!__atomic_load_n(&mon.stop, __ATOMIC_ACQUIRE)) {
		if (monitor_check()) {
			monitor_pace(&period, &last_sum, &quiet);
			nanosleep(&period, 0);
			continue;
		}
		__atomic_store_n(&mon.sleeping, 1, __ATOMIC_SEQ_CST);
		if (!any_running() && !__atomic_load_n(&mon.stop, __ATOMIC_SEQ_CST))
			tmm_futex_wait(&mon.sleeping, 1, 0);
		__atomic_store_n(&mon.sleeping, 0, __ATOMIC_SEQ_CST);
		period.tv_nsec = MONITOR_PERIOD_NS;
	}
	tmm_snapshot_kthread_remove(snap);
	return 0;
}

/* A worker is about to run a thread: make sure the monitor watches. */
static void monitor_kick(void)
{
	if (__atomic_load_n(&mon.sleeping, __ATOMIC_SEQ_CST) &&
	    __atomic_exchange_n(&mon.sleeping, 0, __ATOMIC_SEQ_CST))
		tmm_futex_wake(&mon.sleeping, 1);
}

static void monitor_stop(void)
{
	if (!mon.started)
		return;
	__atomic_store_n(&mon.stop, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&mon.sleeping, 0, __ATOMIC_SEQ_CST);
	tmm_futex_wake(&mon.sleeping, 1);
	pthread_join(mon.thread, 0);
	mon.started = 0;
}

static int mn_start(void)
{
	int err;

	memset(&mon, 0, sizeof(mon));
	tmm_monitor_kick = monitor_kick;
	tmm_monitor_stop = monitor_stop;
	err = tmm_user_start(tmm_rt.kthreads);
	if (err)
		return err;
	err = pthread_create(&mon.thread, 0, monitor_main, 0);
	if (!err)
		mon.started = 1;
	return err;
}

const struct tmm_sched tmm_sched_mn = {
    .name = "m:n",
    .start = mn_start,
    .stop = tmm_user_stop,
    .spawn = tmm_user_spawn,
    .park = tmm_user_park,
    .wake = tmm_user_wake,
    .yield = tmm_user_yield,
    .exit = tmm_user_exit,
};
