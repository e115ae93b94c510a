/*
 * account.h — what a switch records about a thread: its state, and, while
 * the tmmstat snapshot is on (TMM_STATS=1), the kernel thread it runs on,
 * its switch count and its run time (one clock read per switch), all in its
 * snapshot record.
 *
 * Inline because every user-level switch runs it: with the snapshot off it
 * comes to a store and a test, and the timed half stays out of line
 * (thread.c).
 */
#ifndef TMM_ACCOUNT_H
#define TMM_ACCOUNT_H

#include "runtime.h"
#include "snapshot.h"

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

/* The timed halves, out of line: only with a snapshot record (thread.c). */
void tmm_account_start_timed(struct tmm_thread *t, uint64_t now);
uint64_t tmm_account_stop_timed(struct tmm_thread *t);

/*
 * @t starts running at @now (tmm_clock_ns, read by the caller only when
 * @t->snap is set: without a snapshot record nobody reads the times).
 */
static inline void tmm_account_start_at(struct tmm_thread *t, uint64_t now)
{
	__atomic_store_n(&t->state, (int)TMM_RUNNING, __ATOMIC_RELEASE);
	if (t->snap)
		tmm_account_start_timed(t, now);
}

/* tmm_account_start_at with a clock read of its own. */
void tmm_account_start(struct tmm_thread *t);

/*
 * @t stopped running: publishes its run time and state; returns the time it
 * read (tmm_clock_ns), or 0 when @t is not timed.
 */
static inline uint64_t tmm_account_stop(struct tmm_thread *t)
{
	return t->snap ? tmm_account_stop_timed(t) : 0;
}

#endif /* TMM_ACCOUNT_H */
