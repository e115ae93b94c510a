/* waitq.c — FIFO wait queues over the park/unpark seam (see waitq.h). */
#include <errno.h>

#include "spin.h"
#include "waitq.h"

static void waitq_append(struct tmm_waitq *q, struct tmm_waiter *w)
{
	w->next = 0;
	w->prev = q->tail;
	if (q->tail)
		((struct tmm_waiter *)q->tail)->next = w;
	else
		q->head = w;
	q->tail = w;
}

static void waitq_remove(struct tmm_waitq *q, struct tmm_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->next = w->prev = 0;
}

int tmm_waitq_wait(struct tmm_waitq *q, struct tmm_waiter *w, uint64_t deadline)
{
	int rc;

	w->thread = tmm_current();
	w->dequeued = 0;
	w->popped = 0;
	waitq_append(q, w);
	rc = tmm_park(&q->lock, deadline);
	/*
	 * A permit left by an unpark that was not meant for this wait must not
	 * end it: returning before the waker is done with w, on our stack, would
	 * leave it reading a dead frame.  The waker sets popped as its last
	 * touch of w, just before it unparks.
	 */
	while (rc == 0 && !__atomic_load_n(&w->popped, __ATOMIC_ACQUIRE))
		rc = tmm_park(0, deadline);
	if (rc == 0)
		return 0;

	/* Timed out (or park failed): leave the queue, unless dequeued meanwhile. */
	tmm_spin_lock(&q->lock);
	if (!w->dequeued) {
		waitq_remove(q, w);
		tmm_spin_unlock(&q->lock);
		return rc;
	}
	tmm_spin_unlock(&q->lock);
	/* Served: its unpark is on the way; consume it so no permit lingers. */
	do
		tmm_park(0, 0);
	while (!__atomic_load_n(&w->popped, __ATOMIC_ACQUIRE));
	return 0;
}

struct tmm_waiter *tmm_waitq_pop(struct tmm_waitq *q)
{
	struct tmm_waiter *w = q->head;

	if (w) {
		waitq_remove(q, w);
		w->dequeued = 1;
	}
	return w;
}

void tmm_waiter_wake(struct tmm_waiter *w)
{
	/* Read before popped is set: from then on w may vanish with its stack. */
	struct tmm_thread *thread = w->thread;

	__atomic_store_n(&w->popped, 1, __ATOMIC_RELEASE);
	tmm_unpark(thread);
}
