/*
 * sched_1to1.c — one-to-one: every tmm thread is its own kernel thread.
 *
 * Concepts: a tmm thread is a detached pthread; its record (thread.c) is all
 * the runtime keeps.  Park waits on the thread's futex word with the
 * deadline as the futex timeout; unpark grants the wake-up under the park
 * lock (park.c), then sets the word and wakes the futex.  Sleep is
 * clock_nanosleep.  The kernel does all the scheduling: a blocking system
 * call blocks only its caller, and threads use every CPU, at the price of a
 * kernel entry for every switch and a kernel thread per tmm thread.
 *
 * Stacks are the pthread's own (pthread_attr_setstacksize, glibc's guard
 * page), not the slab allocator's: glibc keeps its thread control block on
 * the stack and touches it after the thread function returned, so the
 * stack's life must be glibc's.
 *
 * Processors are the CPUs of the process's affinity mask at tmm_init;
 * binding pins the caller's kernel thread to one of them, and a bound
 * thread's children get the whole mask back, as threads start unbound.
 *
 * Rejected: pthread mutex/condition pairs per thread for parking (a futex
 * word is smaller and lets unpark run with spin locks held); joinable
 * pthreads (tmm_join is built on the seam like every other wait, and a
 * detached pthread cleans up by itself).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <time.h>

#include "futex.h"
#include "account.h"
#include "runtime.h"
#include "snapshot.h"
#include "stack.h"

static void record_guard(struct tmm_thread *t)
{
	pthread_attr_t attr;
	void *lo = 0;
	size_t size = 0, guard = 0;

	if (pthread_getattr_np(pthread_self(), &attr))
		return;
	pthread_attr_getstack(&attr, &lo, &size);
	pthread_attr_getguardsize(&attr, &guard);
	pthread_attr_destroy(&attr);
	t->guard_lo = (char *)lo - guard;
	t->guard_hi = lo;
}

/* The CPUs the process could use at tmm_init: processor i is the i-th. */
static cpu_set_t process_cpus;

static void *kthread_main(void *arg)
{
	struct tmm_thread *t = arg;

	tmm_set_current(t);
	t->snap_kthread = tmm_snapshot_kthread_add(tmm_gettid(), TMM_ROLE_THREAD, (unsigned)t->id);
	t->altstack = tmm_altstack_install();
	record_guard(t);
	tmm_account_start(t);
	tmm_thread_run(t);
	return 0;
}

static int kt_spawn(struct tmm_thread *t)
{
	size_t page = tmm_page_size();
	size_t size = (t->stack_size + page - 1) & ~(page - 1);
	pthread_attr_t attr;
	int err;

	if (size < (size_t)PTHREAD_STACK_MIN)
		size = (size_t)PTHREAD_STACK_MIN;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, size);
	pthread_attr_setguardsize(&attr, page);
	/* A pthread inherits its creator's affinity; a tmm thread starts unbound. */
	if (tmm_current() && tmm_current()->bound)
		pthread_attr_setaffinity_np(&attr, sizeof(process_cpus), &process_cpus);
	err = pthread_create(&t->pthread, &attr, kthread_main, t);
	pthread_attr_destroy(&attr);
	return err;
}

static int kt_sleep(struct tmm_thread *self, uint64_t deadline)
{
	struct timespec ts;

	if (deadline > TMM_DEADLINE_NEVER)
		deadline = TMM_DEADLINE_NEVER;
	ts.tv_sec = (time_t)(deadline / 1000000000u);
	ts.tv_nsec = (long)(deadline % 1000000000u);
	tmm_thread_set_state(self, TMM_BLOCKED);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, 0) == EINTR)
		;
	tmm_thread_set_state(self, TMM_RUNNING);
	return 0;
}

static int kt_park(struct tmm_thread *self, struct tmm_spin *lock, uint64_t deadline,
		   enum tmm_wait why)
{
	uint64_t wait_until = deadline;

	if (why == TMM_WAIT_SLEEP) {
		if (lock)
			tmm_spin_unlock(lock);
		return kt_sleep(self, deadline);
	}
	if (!tmm_park_commit(self, lock, deadline, why, 0))
		return self->park_result;
	while (!__atomic_load_n(&self->futex, __ATOMIC_ACQUIRE)) {
		if (tmm_futex_wait(&self->futex, 0, wait_until) == ETIMEDOUT ||
		    (wait_until && tmm_now_ns() >= wait_until)) {
			if (tmm_park_timed_out(self))
				break;
			wait_until = 0; /* a wake-up is on its way: wait for it */
		}
	}
	tmm_thread_set_state(self, TMM_RUNNING);
	return self->park_result;
}

static void kt_wake(struct tmm_thread *t)
{
	__atomic_store_n(&t->futex, 1, __ATOMIC_RELEASE);
	tmm_futex_wake(&t->futex, 1);
}

static void kt_yield(struct tmm_thread *self)
{
	(void)self;
	sched_yield();
}

__attribute__((noreturn)) static void kt_exit(struct tmm_thread *self)
{
	tmm_altstack_remove(self->altstack);
	self->altstack = 0;
	tmm_snapshot_kthread_remove(self->snap_kthread);
	self->snap_kthread = 0;
	tmm_set_current(0);
	tmm_thread_terminated(self); /* the last touch of the runtime */
	pthread_exit(0);
}

static unsigned int kt_nprocessors(void)
{
	return (unsigned int)CPU_COUNT(&process_cpus);
}

/* With a second CPU the holder may run while the caller spins. */
static int kt_may_spin(void)
{
	return kt_nprocessors() > 1;
}

static int kt_processor(void)
{
	int cpu = sched_getcpu(), i, index = 0;

	if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &process_cpus))
		return -1;
	for (i = 0; i < cpu; i++)
		index += !!CPU_ISSET(i, &process_cpus);
	return index;
}

static int kt_bind(struct tmm_thread *self, int processor)
{
	cpu_set_t one;
	int cpu, index = -1, err;

	if (processor < 0) {
		err = pthread_setaffinity_np(pthread_self(), sizeof(process_cpus), &process_cpus);
	} else {
		for (cpu = 0; cpu < CPU_SETSIZE && index < processor; cpu++)
			index += !!CPU_ISSET(cpu, &process_cpus);
		CPU_ZERO(&one);
		CPU_SET(cpu - 1, &one);
		/* The kernel moves the caller before it returns. */
		err = pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
	}
	if (!err)
		self->bound = processor < 0 ? 0 : (unsigned int)processor + 1;
	return err;
}

static int kt_start(void)
{
	if (sched_getaffinity(0, sizeof(process_cpus), &process_cpus))
		CPU_ZERO(&process_cpus); /* no processors to bind to */
	tmm_rt.main->snap_kthread = tmm_snapshot_kthread_add(tmm_rt.main_tid, TMM_ROLE_MAIN, 0);
	tmm_account_start(tmm_rt.main);
	return 0;
}

static void kt_stop(void)
{
	tmm_snapshot_kthread_remove(tmm_rt.main->snap_kthread);
	tmm_rt.main->snap_kthread = 0;
}

const struct tmm_sched tmm_sched_1to1 = {
    .name = "1:1",
    .start = kt_start,
    .stop = kt_stop,
    .spawn = kt_spawn,
    .park = kt_park,
    .wake = kt_wake,
    .yield = kt_yield,
    .may_spin = kt_may_spin,
    .exit = kt_exit,
    .nprocessors = kt_nprocessors,
    .processor = kt_processor,
    .bind = kt_bind,
};
