/*
 * chan.c — tmm_chan_t, Go's chan: a ring of fixed-size elements with one
 * FIFO of blocked threads.
 *
 * One queue is enough because senders and receivers never wait together:
 * a sender waits only when the ring is full (or, without a ring, when no
 * receiver waits) and a receiver only when the ring is empty (or no sender
 * waits).  Each waiter's data points at its element, so a partner copies
 * straight to or from the waiter's memory and completes its call for it:
 *
 *  - send with a receiver waiting: copies into the receiver's element;
 *  - recv from a full ring with a sender waiting: takes the oldest element,
 *    then moves the sender's element into the ring (order is kept);
 *  - rendezvous (capacity 0): send completes only when a receiver took the
 *    element, in either order of arrival.
 *
 * A waiter's timeout that fires after a partner served it reports success,
 * so an element is never lost or delivered twice.  close wakes every waiter
 * with EPIPE; receivers still drain the ring first.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

#define TMM_MAGIC_CHAN 0x6368616eu /* "chan" */

/* tmm_waiter.result while queued; a partner then sets 0 or EPIPE. */
enum { CHAN_SENDER = -1, CHAN_RECEIVER = -2 };

struct tmm_chan {
	unsigned int magic;
	int closed;
	struct tmm_waitq waiters; /* all senders or all receivers */
	size_t elem_size;
	size_t capacity; /* 0: rendezvous */
	size_t head;	 /* oldest element in the ring */
	size_t count;	 /* elements in the ring */
	unsigned char ring[];
};

static int chan_alive(tmm_chan_t *ch)
{
	return sync_alive(ch ? &ch->magic : 0, TMM_MAGIC_CHAN);
}

static void *ring_slot(tmm_chan_t *ch, size_t index)
{
	return ch->ring + (index % ch->capacity) * ch->elem_size;
}

static void ring_push(tmm_chan_t *ch, const void *elem)
{
	memcpy(ring_slot(ch, ch->head + ch->count), elem, ch->elem_size);
	ch->count++;
}

static void ring_pop(tmm_chan_t *ch, void *elem)
{
	memcpy(elem, ring_slot(ch, ch->head), ch->elem_size);
	ch->head = (ch->head + 1) % ch->capacity;
	ch->count--;
}

/* Queue lock held: pops the oldest waiter if it is of the given kind. */
static struct tmm_waiter *chan_pop_waiting(tmm_chan_t *ch, int kind)
{
	struct tmm_waiter *w = sync_waitq_peek(&ch->waiters);

	if (!w || w->result != kind)
		return 0;
	tmm_waitq_pop(&ch->waiters);
	w->result = 0;
	return w;
}

/* Queue lock held: sends without waiting, or EAGAIN (EPIPE once closed). */
static int chan_send_now(tmm_chan_t *ch, const void *elem, struct tmm_waiter **served)
{
	struct tmm_waiter *receiver;

	if (ch->closed)
		return EPIPE;
	receiver = chan_pop_waiting(ch, CHAN_RECEIVER);
	if (receiver) {
		memcpy(receiver->data, elem, ch->elem_size);
		*served = receiver;
		return 0;
	}
	if (ch->count < ch->capacity) {
		ring_push(ch, elem);
		return 0;
	}
	return EAGAIN;
}

/* Queue lock held: receives without waiting, or EAGAIN (EPIPE once closed). */
static int chan_recv_now(tmm_chan_t *ch, void *elem, struct tmm_waiter **served)
{
	struct tmm_waiter *sender = chan_pop_waiting(ch, CHAN_SENDER);

	if (ch->count) {
		ring_pop(ch, elem);
		if (sender)
			ring_push(ch, sender->data);
	} else if (sender) {
		memcpy(elem, sender->data, ch->elem_size);
	} else {
		return ch->closed ? EPIPE : EAGAIN;
	}
	*served = sender;
	return 0;
}

/*
 * Queue lock held: the common end of send and recv.  rc is what the
 * immediate attempt gave; EAGAIN waits unless the call is a try.
 */
static int chan_finish(tmm_chan_t *ch, int rc, struct tmm_waiter *served, struct tmm_waiter *w,
		       int mode_try, uint64_t deadline)
{
	if (rc == EAGAIN && !mode_try) {
		rc = sync_wait(&ch->waiters, w, deadline);
		return rc ? rc : w->result;
	}
	tmm_spin_unlock(&ch->waiters.lock);
	if (served)
		tmm_waiter_wake(served);
	return rc;
}

static int chan_send(tmm_chan_t *ch, const void *elem, int mode_try, int timed, uint64_t timeout)
{
	struct tmm_waiter w = {.result = CHAN_SENDER, .data = (void *)elem};
	struct tmm_waiter *served = 0;
	uint64_t deadline = sync_deadline(timed, timeout);
	int rc;

	if (!chan_alive(ch) || !elem)
		return EINVAL;
	tmm_spin_lock(&ch->waiters.lock);
	rc = chan_send_now(ch, elem, &served);
	return chan_finish(ch, rc, served, &w, mode_try, deadline);
}

static int chan_recv(tmm_chan_t *ch, void *elem, int mode_try, int timed, uint64_t timeout)
{
	struct tmm_waiter w = {.result = CHAN_RECEIVER, .data = elem};
	struct tmm_waiter *served = 0;
	uint64_t deadline = sync_deadline(timed, timeout);
	int rc;

	if (!chan_alive(ch) || !elem)
		return EINVAL;
	tmm_spin_lock(&ch->waiters.lock);
	rc = chan_recv_now(ch, elem, &served);
	return chan_finish(ch, rc, served, &w, mode_try, deadline);
}

TMM_API int tmm_chan_create(tmm_chan_t **ch, size_t elem_size, size_t capacity)
{
	tmm_chan_t *c;

	if (!ch || elem_size == 0 || (capacity && elem_size > (SIZE_MAX - sizeof(*c)) / capacity))
		return EINVAL;
	c = malloc(sizeof(*c) + elem_size * capacity);
	if (!c)
		return ENOMEM;
	c->closed = 0;
	sync_waitq_init(&c->waiters);
	c->elem_size = elem_size;
	c->capacity = capacity;
	c->head = c->count = 0;
	sync_set_magic(&c->magic, TMM_MAGIC_CHAN);
	*ch = c;
	return 0;
}

TMM_API int tmm_chan_send(tmm_chan_t *ch, const void *elem)
{
	return chan_send(ch, elem, 0, 0, 0);
}

TMM_API int tmm_chan_trysend(tmm_chan_t *ch, const void *elem)
{
	return chan_send(ch, elem, 1, 0, 0);
}

TMM_API int tmm_chan_timedsend(tmm_chan_t *ch, const void *elem, uint64_t timeout_ns)
{
	return chan_send(ch, elem, 0, 1, timeout_ns);
}

TMM_API int tmm_chan_recv(tmm_chan_t *ch, void *elem)
{
	return chan_recv(ch, elem, 0, 0, 0);
}

TMM_API int tmm_chan_tryrecv(tmm_chan_t *ch, void *elem)
{
	return chan_recv(ch, elem, 1, 0, 0);
}

TMM_API int tmm_chan_timedrecv(tmm_chan_t *ch, void *elem, uint64_t timeout_ns)
{
	return chan_recv(ch, elem, 0, 1, timeout_ns);
}

TMM_API int tmm_chan_close(tmm_chan_t *ch)
{
	struct sync_wakelist woken = {0};

	if (!chan_alive(ch))
		return EINVAL;
	tmm_spin_lock(&ch->waiters.lock);
	if (ch->closed) {
		tmm_spin_unlock(&ch->waiters.lock);
		return EPIPE;
	}
	ch->closed = 1;
	sync_pop_all(&ch->waiters, &woken, EPIPE);
	tmm_spin_unlock(&ch->waiters.lock);
	sync_wakelist_wake(&woken);
	return 0;
}

TMM_API int tmm_chan_destroy(tmm_chan_t *ch)
{
	if (!chan_alive(ch))
		return EINVAL;
	tmm_spin_lock(&ch->waiters.lock);
	if (!tmm_waitq_empty(&ch->waiters)) {
		tmm_spin_unlock(&ch->waiters.lock);
		return EBUSY;
	}
	sync_set_magic(&ch->magic, 0);
	tmm_spin_unlock(&ch->waiters.lock);
	free(ch);
	return 0;
}
