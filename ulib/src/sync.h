/*
 * sync.h — what the synchronisation primitives share.
 *
 * Every primitive is written once on the park/unpark seam (park.h) through
 * wait queues (waitq.h); none of them knows which model runs it.  The rules
 * they all follow:
 *
 *  - A waker hands the result over to the waiter it pops (a semaphore token,
 *    a channel element, mutex ownership), so a woken thread never has to race
 *    for what it was woken for, and a waiter whose timeout fires after it was
 *    popped still reports success (waitq.h explains why that is safe).
 *  - Waiters popped under the queue lock are woken after the lock is
 *    released (struct sync_wakelist), so the lock is held for a few
 *    instructions, never across an unpark that may enter the kernel.
 *  - Only a tmm thread can wait or own a lock: elsewhere those calls return
 *    EPERM (tmm_current() is NULL there, so there is nobody to park).
 */
#ifndef TMM_SYNC_H
#define TMM_SYNC_H

#include <errno.h>
#include <stddef.h>

#include "spin.h"
#include "waitq.h"

#ifndef TMM_API
#define TMM_API __attribute__((visibility("default")))
#endif

/* Whether an object is live: its init ran and its destroy did not. */
static inline int sync_alive(const unsigned int *magic, unsigned int expected)
{
	return magic && __atomic_load_n(magic, __ATOMIC_RELAXED) == expected;
}

static inline void sync_set_magic(unsigned int *magic, unsigned int value)
{
	__atomic_store_n(magic, value, __ATOMIC_RELAXED);
}

static inline void sync_waitq_init(struct tmm_waitq *q)
{
	q->lock.locked = 0;
	q->head = 0;
	q->tail = 0;
}

/* q->lock held: the oldest waiter, left in the queue; NULL when empty. */
static inline struct tmm_waiter *sync_waitq_peek(const struct tmm_waitq *q)
{
	return q->head;
}

/*
 * q->lock held: parks the calling thread as w (see tmm_waitq_wait), or
 * returns EPERM with the lock released when the caller is not a tmm thread.
 */
static inline int sync_wait(struct tmm_waitq *q, struct tmm_waiter *w, uint64_t deadline)
{
	if (!tmm_current()) {
		tmm_spin_unlock(&q->lock);
		return EPERM;
	}
	return tmm_waitq_wait(q, w, deadline);
}

/* Deadline of a timed call; 0 (no deadline) for the untimed variants. */
static inline uint64_t sync_deadline(int timed, uint64_t timeout_ns)
{
	return timed ? tmm_deadline(timeout_ns) : 0;
}

/*
 * Popped waiters to wake once the queue lock is dropped.  A popped waiter's
 * links are free until it is woken (its thread stays parked), so the list
 * reuses them.
 */
struct sync_wakelist {
	struct tmm_waiter *head;
	struct tmm_waiter *tail;
};

static inline void sync_wakelist_add(struct sync_wakelist *l, struct tmm_waiter *w)
{
	w->next = 0;
	if (l->tail)
		l->tail->next = w;
	else
		l->head = w;
	l->tail = w;
}

/* q->lock held: pops every waiter, giving each the result @result. */
static inline void sync_pop_all(struct tmm_waitq *q, struct sync_wakelist *l, int result)
{
	struct tmm_waiter *w;

	while ((w = tmm_waitq_pop(q))) {
		w->result = result;
		sync_wakelist_add(l, w);
	}
}

/* Without the queue lock: wakes every waiter on the list, oldest first. */
static inline void sync_wakelist_wake(struct sync_wakelist *l)
{
	struct tmm_waiter *w = l->head;

	while (w) {
		/* Read the link first: once woken, w may vanish with its stack. */
		struct tmm_waiter *next = w->next;

		tmm_waiter_wake(w);
		w = next;
	}
}

/*
 * For tmm_cond_wait: releases a mutex the caller owns, however deep its
 * recursive holds, saving the depth; EPERM if the caller does not own it.
 */
int sync_mutex_release_all(tmm_mutex_t *m, unsigned int *depth);

/* Takes the mutex back after a condition wait and restores its depth. */
void sync_mutex_reacquire(tmm_mutex_t *m, unsigned int depth);

/* Whether the calling tmm thread owns m (m is live). */
int sync_mutex_owned(tmm_mutex_t *m);

#endif /* TMM_SYNC_H */
