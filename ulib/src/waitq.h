/*
 * waitq.h — a FIFO of parked threads under one spin lock, on top of park.h.
 *
 * The waiter protocol every primitive follows:
 *
 *	tmm_spin_lock(&q->lock);
 *	if (condition holds) { ...; tmm_spin_unlock(&q->lock); return 0; }
 *	struct tmm_waiter w = { .data = ... };
 *	rc = tmm_waitq_wait(q, &w, deadline);   // returns with q->lock released
 *
 * and a waker:
 *
 *	tmm_spin_lock(&q->lock);
 *	struct tmm_waiter *w = tmm_waitq_pop(q);   // NULL when nobody waits
 *	... hand over through w->data / w->result ...
 *	tmm_spin_unlock(&q->lock);
 *	if (w) tmm_waiter_wake(w);
 *
 * A popped waiter's struct stays valid until tmm_waiter_wake(): its thread
 * cannot return from tmm_waitq_wait() before that, even if its deadline
 * passed or a stray permit woke it in the meantime (after its deadline it
 * reports 0, not ETIMEDOUT: it was served).
 */
#ifndef TMM_WAITQ_H
#define TMM_WAITQ_H

#include <stdint.h>

#include "park.h"

struct tmm_waiter {
	struct tmm_waiter *next;
	struct tmm_waiter *prev;
	struct tmm_thread *thread;
	int dequeued; /* set under the queue lock by tmm_waitq_pop */
	int popped;   /* set by tmm_waiter_wake, its last touch of the waiter; atomic */
	int result;   /* free for the primitive: what the waker says */
	void *data;   /* free for the primitive: e.g. a channel element */
};

/*
 * Called with q->lock held: queues w for the calling thread and parks until
 * popped or the deadline (0: none).  Returns with q->lock released: 0 when
 * popped, ETIMEDOUT when the deadline passed and w left the queue unpopped
 * (or, the same way, tmm_park's error if parking itself failed).  A stray
 * permit does not end the wait early: only being popped does.
 */
int tmm_waitq_wait(struct tmm_waitq *q, struct tmm_waiter *w, uint64_t deadline);

/* q->lock held: removes and returns the oldest waiter, or NULL. */
struct tmm_waiter *tmm_waitq_pop(struct tmm_waitq *q);

/* q->lock held: whether anyone waits. */
static inline int tmm_waitq_empty(const struct tmm_waitq *q)
{
	return q->head == 0;
}

/* After tmm_waitq_pop, with or without the lock: lets the waiter run. */
void tmm_waiter_wake(struct tmm_waiter *w);

#endif /* TMM_WAITQ_H */
