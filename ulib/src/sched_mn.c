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
 * wakes an idle worker unless one spins (or, for a lone created thread,
 * unless idle workers found such threads run by their owners).  A
 * processor's one queued thread is left to its owner while the owner keeps
 * switching (sched_user.c), so an idle worker may sleep beside it: the
 * monitor wakes one when work has waited behind a thread running
 * HANDOFF_AFTER without a switch.
 *
 * The monitor (Go's sysmon) is one more kernel thread that never runs tmm
 * threads.  While some worker runs a thread it looks at each processor every
 * period and keeps, for itself, the processor's tick (bumped by its worker
 * at each entry into a thread) and when it first saw that tick.  A processor
 * is stuck when its status says running, the monitor saw the same tick at
 * two looks HANDOFF_AFTER or more apart, work is waiting that no idle worker
 * will take, and its worker's kernel thread is asleep in the kernel, not on
 * a CPU: its CPU time (clock_gettime on its thread CPU-time clock, one cheap
 * system call) has not moved since the last look at that tick, and its /proc
 * stat, read with one pread on a descriptor kept per worker, does not say
 * 'R'.  /proc is not read again while the CPU time stays where it was when
 * /proc said 'R': the worker still waits for a CPU, as going to sleep takes
 * CPU time.  Then the monitor takes the processor away (a compare-and-swap
 * on its status word) and hands it to a spare worker, starting one when none
 * waits.  So at most N workers run threads at a time, and with
 * TMM_KTHREADS=1 too a thread in read() no longer stalls the rest.  The
 * workers pay for this only the tick and the status word: no clock read per
 * switch.
 *
 * The period follows sysmon: MONITOR_PERIOD (20 us) after a hand-off; after
 * MONITOR_QUIET_LOOKS looks without one it doubles at each look up to
 * MONITOR_PERIOD_MAX (160 us), where it stays until the next hand-off, also
 * across idle spells.  Unlike sysmon it starts at that ceiling: before a
 * first hand-off nothing says threads block, and fifty looks in the first
 * millisecond took CPU from short programs (a fib(24) fork-join on two
 * kernel threads, about 12 ms, made 83-92 voluntary switches, 45-68 so).
 * At that ceiling, while nothing waits in any run queue, it sleeps
 * MONITOR_IDLE_PERIOD (400 us) between looks (monitor_sleep_ns).
 * A worker that blocks is seen stuck at the second look after it entered
 * its thread: within two periods, so at most 320 us (560 us when the first
 * was an idle one) plus the monitor's own wake-up delay, and about 40 us
 * right after a hand-off (320 us as the ceiling measured 5% less CPU per
 * request in the HTTP benchmark, but hand-offs of 670 us median, too near
 * the millisecond allowed).  A busy server pays at most about 6,000
 * wake-ups a second and few /proc reads: a write() on loopback that runs
 * the receiver's TCP processing inline must last a whole period to be
 * looked at, a worker preempted by another program costs one read, and a
 * long computation one read, then a clock read per look.  When no worker runs a thread the
 * monitor sleeps on a futex until one does (tmm_monitor_kick), so an idle
 * process has no thread waking up periodically.
 *
 * Rejected: wrapping system calls to hand the processor off before each one
 * (Go's entersyscall): tmm cannot see raw system calls, which is the case
 * this model must handle; one spare kernel thread per blocked thread at once
 * (that is 1:1, with its costs); preempting CPU-bound threads with signals
 * (see sched_m1.c); handing off a computing worker's processor (it would
 * put N+1 kernel threads on CPUs; idle workers steal its queue instead); a
 * clock read per switch to date each entry (a stuck worker would be seen
 * one look sooner, but every switch would pay for it); opening /proc at each
 * look (open, read, close cost about three times one pread); sysmon's 10 ms
 * back-off ceiling (hand-offs must come within a millisecond); running the
 * monitor as SCHED_BATCH, which the kernel never lets preempt a running
 * thread on waking (on a machine whose CPUs all run workers each look
 * preempts one, and a timed sleep costs about 20 us of CPU on the test VM,
 * so fork-join on two kernel threads lost about 8 %; but beside other
 * programs' CPU-bound threads a hand-off then took 2-7 ms, median, against
 * 0.3 ms).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "futex.h"
#include "sched_user.h"
#include "snapshot.h"

#define MONITOR_PERIOD_NS (20u * 1000)
#define MONITOR_PERIOD_MAX_NS (160u * 1000)
#define MONITOR_QUIET_LOOKS 50
#define MONITOR_IDLE_PERIOD_NS (400u * 1000)
#define HANDOFF_AFTER_NS (20u * 1000)
#define NO_TICK UINT64_MAX
#define NO_CPU_TIME UINT64_MAX

/* What the monitor keeps of one worker's kernel thread; only it touches this. */
struct mon_kthread {
	int known;	/* the rest is set */
	int stat_fd;	/* its /proc/self/task/TID/stat, -1 until needed */
	dev_t stat_dev; /* which file stat_fd is */
	ino_t stat_ino;
	clockid_t cpu_clock; /* its CPU-time clock */
};

/* What the monitor saw of one processor; only it touches this. */
struct mon_proc {
	uint64_t tick;		  /* its tick at the last look (NO_TICK: none yet) */
	uint64_t seen_at;	  /* when the monitor first saw that tick */
	struct tmm_worker *w;	  /* the owner the CPU times below are of */
	uint64_t cpu_ns;	  /* w's CPU time at the last look at this tick */
	uint64_t runnable_cpu_ns; /* w's CPU time when /proc last said 'R' during this tick */
};

static struct {
	pthread_t thread;
	int started;
	int stop;
	int sleeping; /* futex word: 1 while waiting for a worker to run a thread */
} mon;

/* The monitor thread's own, on a line apart from mon, which workers read at each switch. */
static struct {
	struct mon_proc *procs;
	struct mon_kthread *kthreads; /* by worker id */
	unsigned int nkthreads;
	uint64_t period;    /* the sleep between looks */
	unsigned int quiet; /* looks since the last hand-off, up to MONITOR_QUIET_LOOKS */
} watch __attribute__((aligned(64)));

/*
 * The CPU-time clock of kernel thread @tid, the kernel's encoding that
 * pthread_getcpuclockid uses: from the tid, which a worker sets before it
 * runs a thread, rather than w->pthread, which pthread_create need not have
 * stored when the new worker starts.
 */
static clockid_t thread_cpu_clock(pid_t tid)
{
	return (clockid_t)(~(uint32_t)tid << 3 | 6); /* CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED */
}

/* The monitor's record of @w's kernel thread, NULL if out of memory. */
static struct mon_kthread *kthread_of(struct tmm_worker *w)
{
	struct mon_kthread *k;

	if (w->id >= watch.nkthreads) {
		unsigned int n = w->id < 8 ? 16 : 2 * w->id;

		k = realloc(watch.kthreads, n * sizeof(*k));
		if (!k)
			return 0;
		memset(k + watch.nkthreads, 0, (n - watch.nkthreads) * sizeof(*k));
		watch.kthreads = k;
		watch.nkthreads = n;
	}
	k = &watch.kthreads[w->id];
	if (!k->known) {
		k->known = 1;
		k->stat_fd = -1;
		k->cpu_clock = thread_cpu_clock(w->tid);
	}
	return k;
}

/* Opens @tid's /proc stat file for @k and notes which file it is. */
static int stat_open(struct mon_kthread *k, pid_t tid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	k->stat_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->stat_fd < 0)
		return 0;
	if (!fstat(k->stat_fd, &st)) {
		k->stat_dev = st.st_dev;
		k->stat_ino = st.st_ino;
	}
	return 1;
}

/*
 * Closes @k's /proc descriptor if it is still that file: a program that
 * closed descriptors it did not open may have reused the number for its own.
 */
static void stat_close(struct mon_kthread *k)
{
	struct stat st;

	if (k->stat_fd >= 0 && !fstat(k->stat_fd, &st) && st.st_dev == k->stat_dev &&
	    st.st_ino == k->stat_ino)
		close(k->stat_fd);
	k->stat_fd = -1;
}

/* @k's CPU time (one system call, no /proc), NO_CPU_TIME if unknown. */
static uint64_t kthread_cpu_ns(struct mon_kthread *k)
{
	struct timespec ts;

	if (clock_gettime(k->cpu_clock, &ts))
		return NO_CPU_TIME;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The kernel's scheduling state of @k, kernel thread @tid: 'R', 'S', 'D'... ('?' unknown). */
static char kthread_state(struct mon_kthread *k, pid_t tid)
{
	char buf[128], want[24], *p;
	int tries, len = snprintf(want, sizeof(want), "%d (", (int)tid);
	ssize_t n = 0;

	/* "TID (NAME) S ...": the state is within the first 30 bytes. */
	for (tries = 0; tries < 2; tries++) {
		if (k->stat_fd < 0 && !stat_open(k, tid))
			return '?';
		n = pread(k->stat_fd, buf, sizeof(buf) - 1, 0);
		if (n > len && !memcmp(buf, want, (size_t)len))
			break;
		stat_close(k); /* not that file any more: open it again */
		n = 0;
	}
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the name may contain anything */
	return p && p[1] && p[2] ? p[2] : '?';
}

/*
 * Whether @w, owner of @m's processor, is on a CPU or waiting for one,
 * rather than asleep in a system call.  Its CPU time tells without /proc
 * (one cheap system call) when it moved since the last look at this tick
 * (it runs), or has not moved since /proc said 'R' (it is still waiting for
 * a CPU: going to sleep takes CPU time); otherwise /proc tells.  Unknown
 * counts as asleep: better one kernel thread too many than all stalled.
 */
static int owner_running(struct mon_proc *m, struct tmm_worker *w)
{
	struct mon_kthread *k = kthread_of(w);
	uint64_t cpu, last;

	if (!k)
		return 0;
	if (m->w != w) {
		m->w = w;
		m->cpu_ns = m->runnable_cpu_ns = NO_CPU_TIME;
	}
	cpu = kthread_cpu_ns(k);
	last = m->cpu_ns;
	m->cpu_ns = cpu;
	if (cpu != NO_CPU_TIME && last != NO_CPU_TIME && (cpu != last || cpu == m->runnable_cpu_ns))
		return 1;
	if (kthread_state(k, w->tid) != 'R')
		return 0;
	m->runnable_cpu_ns = cpu;
	return 1;
}

/*
 * Stuck: the same tick at two looks HANDOFF_AFTER or more apart (its worker
 * has not come back to its scheduler meanwhile), work waiting that no idle
 * worker will take, and the worker asleep in the kernel.
 */
static int proc_stuck(struct mon_proc *m, struct tmm_proc *p, uint64_t status, uint64_t now)
{
	uint64_t tick = __atomic_load_n(&p->tick, __ATOMIC_ACQUIRE);
	struct tmm_worker *w;

	if (tick != m->tick) {
		m->tick = tick;
		m->seen_at = now;
		m->cpu_ns = m->runnable_cpu_ns = NO_CPU_TIME;
		return 0;
	}
	if (now - m->seen_at < HANDOFF_AFTER_NS || !tmm_proc_work_waiting(p, now))
		return 0;
	/* Work waits behind a long-running thread: an idle worker may steal it. */
	tmm_user_wake_thief();
	w = __atomic_load_n(&p->owner, __ATOMIC_ACQUIRE);
	if (!w || PROC_STATUS(w, PROC_RUNNING) != status)
		return 0;
	return !owner_running(m, w);
}

/* One look at every processor: sets *running if any worker runs a thread; returns hand-offs. */
static unsigned int monitor_check(int *running)
{
	uint64_t now = tmm_now_ns();
	unsigned int i, handed = 0;

	*running = 0;
	for (i = 0; i < tmm_us.nprocs; i++) {
		struct tmm_proc *p = &tmm_us.procs[i];
		uint64_t status = __atomic_load_n(&p->status, __ATOMIC_SEQ_CST);

		if ((status & 3) != PROC_RUNNING)
			continue;
		*running = 1;
		if (proc_stuck(&watch.procs[i], p, status, now) &&
		    __atomic_compare_exchange_n(&p->status, &status, PROC_HANDOFF, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			/* A failed hand-off (no kernel thread) gave the processor back. */
			handed += !tmm_proc_hand_over(p, status);
		}
	}
	return handed;
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

/*
 * The period (Go's sysmon): MONITOR_PERIOD after a hand-off; after
 * MONITOR_QUIET_LOOKS looks without one it doubles at each look, up to
 * MONITOR_PERIOD_MAX.  A stuck worker is seen at the second look after it
 * entered its thread, so within two periods: well within a millisecond.
 */
static void monitor_pace(unsigned int handed)
{
	if (handed) {
		watch.quiet = 0;
		watch.period = MONITOR_PERIOD_NS;
	} else if (watch.quiet < MONITOR_QUIET_LOOKS) {
		watch.quiet++;
	} else if (watch.period < MONITOR_PERIOD_MAX_NS) {
		watch.period *= 2;
		if (watch.period > MONITOR_PERIOD_MAX_NS)
			watch.period = MONITOR_PERIOD_MAX_NS;
	}
}

/*
 * The sleep before the next look: the period, or MONITOR_IDLE_PERIOD once
 * backed off while no thread waits in any run queue and no timer falls due
 * meanwhile.  Then nothing waits behind a stuck worker, and work queued later
 * is seen at the next look (a worker stuck since before is seen stuck at
 * once: its tick has stood still since): within a millisecond still.  With
 * every CPU running a worker each look preempts one; CPU-bound M:N threads
 * with empty queues (tools/bench blocking) did 11 % less work beside the
 * monitor's looks every 160 us than with none.
 */
static uint64_t monitor_sleep_ns(void)
{
	if (watch.period < MONITOR_PERIOD_MAX_NS ||
	    tmm_user_work_queued(tmm_now_ns() + MONITOR_IDLE_PERIOD_NS))
		return watch.period;
	return MONITOR_IDLE_PERIOD_NS;
}

/* No worker runs a thread: sleep until one does (tmm_monitor_kick). */
static void monitor_wait_for_work(void)
{
	__atomic_store_n(&mon.sleeping, 1, __ATOMIC_SEQ_CST);
	if (!any_running() && !__atomic_load_n(&mon.stop, __ATOMIC_SEQ_CST))
		tmm_futex_wait(&mon.sleeping, 1, 0);
	__atomic_store_n(&mon.sleeping, 0, __ATOMIC_SEQ_CST);
}

static void *monitor_main(void *arg)
{
	struct tmm_snap_kthread *snap = tmm_snapshot_kthread_add(tmm_gettid(), TMM_ROLE_MONITOR, 0);

	(void)arg;
	/* The default 50 us timer slack would stretch every period. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	while (!__atomic_load_n(&mon.stop, __ATOMIC_ACQUIRE)) {
		int running;
		struct timespec period = {0, 0};

		monitor_pace(monitor_check(&running));
		if (!running) {
			monitor_wait_for_work();
			continue;
		}
		period.tv_nsec = (long)monitor_sleep_ns();
		nanosleep(&period, 0);
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

static void monitor_free(void)
{
	unsigned int i;

	for (i = 0; i < watch.nkthreads; i++)
		if (watch.kthreads[i].known)
			stat_close(&watch.kthreads[i]);
	free(watch.kthreads);
	free(watch.procs);
	watch.kthreads = 0;
	watch.nkthreads = 0;
	watch.procs = 0;
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
	monitor_free();
}

static int monitor_start(void)
{
	unsigned int i;
	int err;

	watch.procs = calloc(tmm_us.nprocs, sizeof(*watch.procs));
	if (!watch.procs)
		return ENOMEM;
	for (i = 0; i < tmm_us.nprocs; i++)
		watch.procs[i].tick = NO_TICK;
	watch.period = MONITOR_PERIOD_MAX_NS;
	watch.quiet = MONITOR_QUIET_LOOKS;
	err = pthread_create(&mon.thread, 0, monitor_main, 0);
	if (err)
		monitor_free();
	else
		mon.started = 1;
	return err;
}

static int mn_start(void)
{
	int err;

	memset(&mon, 0, sizeof(mon));
	memset(&watch, 0, sizeof(watch));
	tmm_monitor_kick = monitor_kick;
	tmm_monitor_stop = monitor_stop;
	err = tmm_user_start(tmm_rt.kthreads);
	return err ? err : monitor_start();
}

const struct tmm_sched tmm_sched_mn = {
    .name = "m:n",
    .start = mn_start,
    .stop = tmm_user_stop,
    .spawn = tmm_user_spawn,
    .park = tmm_user_park,
    .wake = tmm_user_wake,
    .hand_joiner = tmm_user_hand_joiner,
    .yield = tmm_user_yield,
    .may_spin = tmm_user_may_spin,
    .exit = tmm_user_exit,
    .nprocessors = tmm_user_nprocessors,
    .processor = tmm_user_processor,
    .bind = tmm_user_bind,
};
