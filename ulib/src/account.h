/*
 * account.h — what a switch records about a thread: its state, and, while
 * the tmmstat snapshot is on (TMM_STATS=1), the kernel thread it runs on,
 * its switch count and its run time (one clock read per switch).
 *
 * Inline because every user-level switch runs it: with the snapshot off it
 * comes to a few stores, and the timed half stays out of line (thread.c).
 */
#ifndef TMM_ACCOUNT_H
#define TMM_ACCOUNT_H

#include "runtime.h"
#include "snapshot.h"

/* Whether switches are timed (the snapshot is on); set by tmm_init. */
extern int tmm_accounting;

/* tmm_thread_state() without the call, for the runtime itself. */
static inline enum tmm_state tmm_state_of(const struct tmm_thread *t)
{
	return (enum tmm_state)__atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
}

static inline void tmm_thread_set_state(struct tmm_thread *t, enum tmm_state s)
{
	__atomic_store_n(&t->state, (int)s, __ATOMIC_RELEASE);
	tmm_snapshot_set_state(t->snap, s);
}

/* @t starts running on kernel thread @ktid at @now (tmm_clock_ns; 0 when not timed). */
static inline void tmm_account_start_at(struct tmm_thread *t, pid_t ktid, uint64_t now)
{
	t->ktid = ktid;
	t->switches++;
	t->run_since = now;
	__atomic_store_n(&t->state, (int)TMM_RUNNING, __ATOMIC_RELEASE);
	/* Without a snapshot, not even the lookup of the kernel thread's record. */
	if (t->snap)
		tmm_snapshot_switched_in(t->snap, tmm_snapshot_kthread_self());
}

void tmm_account_start(struct tmm_thread *t, pid_t ktid);

uint64_t tmm_account_stop_timed(struct tmm_thread *t);

/*
 * @t stopped running: adds the time since the start to t->run_ns; returns
 * the time it read (tmm_clock_ns), or 0 when switches are not timed.
 */
static inline uint64_t tmm_account_stop(struct tmm_thread *t)
{
	if (tmm_accounting)
		return tmm_account_stop_timed(t);
	tmm_snapshot_set_state(t->snap, tmm_state_of(t));
	return 0;
}

#endif /* TMM_ACCOUNT_H */
