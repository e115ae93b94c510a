/*
 * park.h — the one seam between the schedulers and everything that waits.
 *
 * Every waiting primitive (mutex, condition, semaphore, event, barrier,
 * rwlock, channel, join, sleep) is written once on top of tmm_park() and
 * tmm_unpark(); none of them knows which model runs it.
 *
 *   M:1, M:N  park = mark the thread blocked, release the caller's lock,
 *             switch to the next thread (or the scheduler); unpark = put the
 *             thread back on a run queue (waking an idle worker under M:N),
 *             where no worker resumes it before its switch away completed.
 *   1:1       park = wait on the thread's futex word; unpark = set it, wake.
 *
 * Unpark leaves a permit: an unpark that comes before the park makes that
 * park return at once, so a waker never needs to know whether its target has
 * already gone to sleep.  Each unpark must be matched by exactly one park
 * that consumes it; struct tmm_waitq (waitq.h) keeps that balance for the
 * primitives, so they rarely call these directly.
 */
#ifndef TMM_PARK_H
#define TMM_PARK_H

#include <stdint.h>

#include "spin.h"

struct tmm_thread;

/*
 * The calling tmm thread; the main thread is one too once tmm_init() ran.
 * NULL in a thread tmm did not create (or before tmm_init).
 */
struct tmm_thread *tmm_current(void);

/*
 * Parks the calling thread until tmm_unpark() or the deadline.
 *
 * @lock: held by the caller, or NULL; released by the time tmm_park returns,
 *        and not before the thread can no longer miss an unpark.
 * @deadline_ns: absolute CLOCK_MONOTONIC time (tmm_now_ns()), 0 for none.
 *
 * Returns 0 when unparked (the permit is consumed) and ETIMEDOUT when the
 * deadline passed first (any permit that arrives later stays for the next
 * park).  The thread is TMM_BLOCKED while parked.
 */
int tmm_park(struct tmm_spin *lock, uint64_t deadline_ns);

/*
 * Makes @thread runnable, or leaves it a permit if it is not parked yet.
 * Callable from any tmm thread under any model, from a thread tmm did not
 * create, and with spin locks held.
 */
void tmm_unpark(struct tmm_thread *thread);

/*
 * Whether the calling thread may spin a little for what a thread on another
 * kernel thread is about to release, rather than park: its scheduler says
 * that thread can run meanwhile and nothing else waits for the caller's CPU
 * (never under M:1).
 */
int tmm_may_spin(void);

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t tmm_now_ns(void);

/* Absolute deadline for a relative timeout, saturating; never 0. */
uint64_t tmm_deadline(uint64_t timeout_ns);

#endif /* TMM_PARK_H */
