/*
 * park.c — the scheduler-independent half of the park/unpark seam (park.h).
 *
 * Each thread carries a park lock, a permit and what it waits for.  Parking
 * is committed under the park lock by the scheduler just before the thread
 * switches away (tmm_park_commit); unpark and timer expiry grant
 * the wake-up under the same lock and hand the thread to the scheduler's
 * wake().  Exactly one of them wins, so a thread is made runnable once.
 *
 * Lock order: the caller's lock, then t->park_lock, then the timer heap.
 * Expiry pops a timer first and takes the park lock afterwards, checking the
 * park sequence number to ignore a park that already ended.  Thread records
 * are never returned to the system while the runtime runs (thread.c keeps a
 * pool), so a late expiry never touches freed memory.
 */
#include <errno.h>
#include <time.h>

#include "account.h"
#include "runtime.h"
#include "timer.h"

static __thread struct tmm_thread *tls_current __attribute__((tls_model("initial-exec")));
/* A user-level worker's own record of what it runs (so a switch stores it once). */
static __thread struct tmm_thread **tls_current_slot __attribute__((tls_model("initial-exec")));

/*
 * Never inlined nor analysed across calls: a user-level thread may resume on
 * another kernel thread after a switch, and the compiler must not reuse a
 * thread-local address it computed before the switch.
 */
__attribute__((noinline, noipa)) TMM_API struct tmm_thread *tmm_current(void)
{
	struct tmm_thread **slot = tls_current_slot;

	return slot ? *slot : tls_current;
}

__attribute__((noinline, noipa)) void tmm_set_current(struct tmm_thread *t)
{
	tls_current = t;
}

__attribute__((noinline, noipa)) void tmm_set_current_slot(struct tmm_thread **slot)
{
	tls_current_slot = slot;
}

TMM_API uint64_t tmm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

TMM_API uint64_t tmm_deadline(uint64_t timeout_ns)
{
	uint64_t now = tmm_now_ns();

	if (timeout_ns > UINT64_MAX - now)
		return UINT64_MAX;
	return now + timeout_ns ? now + timeout_ns : 1;
}

TMM_API int tmm_park(struct tmm_spin *lock, uint64_t deadline_ns)
{
	struct tmm_thread *self = tmm_current();

	if (!self || !tmm_rt.started) {
		if (lock)
			tmm_spin_unlock(lock);
		return EPERM;
	}
	/* A waiting permit: no need to involve the scheduler. */
	if (__atomic_load_n(&self->permit, __ATOMIC_ACQUIRE)) {
		tmm_spin_lock(&self->park_lock);
		if (self->permit) {
			self->permit = 0;
			tmm_spin_unlock(&self->park_lock);
			if (lock)
				tmm_spin_unlock(lock);
			return 0;
		}
		tmm_spin_unlock(&self->park_lock);
	}
	return tmm_rt.sched->park(self, lock, deadline_ns, TMM_WAIT_PARK);
}

int tmm_may_spin(void)
{
	return tmm_rt.started && tmm_rt.sched->may_spin && tmm_rt.sched->may_spin();
}

/*
 * Commits the park of @t, which is about to switch away (the user-level
 * schedulers keep it from being resumed before it has) or, under 1:1, to
 * wait on its futex.  Returns 1 when @t is now parked, 0 when it
 * is not (a permit was consumed, or arming the timer failed) and should go on
 * with t->park_result.  @lock is released here, after the commit and before
 * anyone can grant the wake-up, so tmm_park's caller never holds it late.
 */
int tmm_park_commit(struct tmm_thread *t, struct tmm_spin *lock, uint64_t deadline,
		    enum tmm_wait why, int (*arm_timer)(struct tmm_thread *t, uint64_t deadline))
{
	int parked = 1;

	if (why == TMM_WAIT_JOIN) {
		/*
		 * Only the exit ends a join (tmm_thread_finish, under @lock): no
		 * unpark nor timer does, so the park lock is not needed, and
		 * waiting stays TMM_WAIT_NONE (a stray unpark leaves a permit, a
		 * late expiry of an earlier park finds nothing to end).
		 */
		t->park_result = 0;
		__atomic_store_n(&t->futex, 0, __ATOMIC_RELAXED);
		tmm_thread_set_state(t, TMM_BLOCKED);
		tmm_spin_unlock(lock);
		return 1;
	}
	tmm_spin_lock(&t->park_lock);
	if (why == TMM_WAIT_PARK && t->permit) {
		t->permit = 0;
		t->park_result = 0;
		parked = 0;
	} else {
		t->waiting = why;
		t->park_seq++;
		t->park_result = 0;
		__atomic_store_n(&t->futex, 0, __ATOMIC_RELAXED);
		tmm_thread_set_state(t, TMM_BLOCKED);
		if (deadline && arm_timer) {
			int err = arm_timer(t, deadline);

			if (err) {
				t->waiting = TMM_WAIT_NONE;
				t->park_result = err;
				parked = 0;
			}
		}
	}
	if (lock)
		tmm_spin_unlock(lock);
	tmm_spin_unlock(&t->park_lock);
	return parked;
}

/* Park lock held, a wake-up granted: drop a pending timer, then wake. */
static void grant(struct tmm_thread *t, int result)
{
	t->waiting = TMM_WAIT_NONE;
	t->park_result = result;
	if (__atomic_load_n(&t->timer_idx, __ATOMIC_RELAXED) >= 0)
		tmm_timers_cancel(&tmm_user_timers, t);
	tmm_thread_set_state(t, TMM_RUNNABLE);
}

TMM_API void tmm_unpark(struct tmm_thread *t)
{
	if (!t)
		return;
	tmm_spin_lock(&t->park_lock);
	if (t->waiting == TMM_WAIT_PARK) {
		grant(t, 0);
		tmm_spin_unlock(&t->park_lock);
		tmm_rt.sched->wake(t);
		return;
	}
	t->permit = 1;
	tmm_spin_unlock(&t->park_lock);
}

void tmm_park_expire(struct tmm_thread *t, uint64_t seq)
{
	tmm_spin_lock(&t->park_lock);
	if (t->waiting != TMM_WAIT_NONE && t->park_seq == seq) {
		grant(t, t->waiting == TMM_WAIT_PARK ? ETIMEDOUT : 0);
		tmm_spin_unlock(&t->park_lock);
		tmm_rt.sched->wake(t);
		return;
	}
	tmm_spin_unlock(&t->park_lock);
}

/* 1:1, after the futex wait timed out: 1 if the timeout won, 0 if a wake-up is on its way. */
int tmm_park_timed_out(struct tmm_thread *t)
{
	int won = 0;

	tmm_spin_lock(&t->park_lock);
	if (t->waiting != TMM_WAIT_NONE) {
		t->waiting = TMM_WAIT_NONE;
		t->park_result = ETIMEDOUT;
		won = 1;
	}
	tmm_spin_unlock(&t->park_lock);
	return won;
}
