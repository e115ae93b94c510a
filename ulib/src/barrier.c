/*
 * barrier.c — tmm_barrier_t: count threads meet, then all go on.
 *
 * The last thread of a round gets TMM_BARRIER_SERIAL_THREAD, resets the
 * count and wakes the others, all under the queue lock; so threads of the
 * next round, which may arrive before the woken ones have run, queue behind
 * the popped ones and can never be mistaken for them: the barrier is
 * reusable at once.
 */
#include <errno.h>

#include "sync.h"

static int barrier_alive(tmm_barrier_t *b)
{
	return sync_alive(b ? &b->magic : 0, TMM_MAGIC_BARRIER);
}

TMM_API int tmm_barrier_init(tmm_barrier_t *b, unsigned int count)
{
	if (!b || count == 0)
		return EINVAL;
	sync_waitq_init(&b->waiters);
	b->count = count;
	b->arrived = 0;
	sync_set_magic(&b->magic, TMM_MAGIC_BARRIER);
	return 0;
}

TMM_API int tmm_barrier_wait(tmm_barrier_t *b)
{
	struct sync_wakelist woken = {0};
	struct tmm_waiter w = {0};

	if (!barrier_alive(b))
		return EINVAL;
	if (!tmm_current())
		return EPERM; /* checked first: an arrival that cannot wait must not count */
	tmm_spin_lock(&b->waiters.lock);
	if (++b->arrived < b->count)
		return sync_wait(&b->waiters, &w, 0);
	b->arrived = 0;
	sync_pop_all(&b->waiters, &woken, 0);
	tmm_spin_unlock(&b->waiters.lock);
	sync_wakelist_wake(&woken);
	return TMM_BARRIER_SERIAL_THREAD;
}

TMM_API int tmm_barrier_destroy(tmm_barrier_t *b)
{
	int rc = 0;

	if (!barrier_alive(b))
		return EINVAL;
	tmm_spin_lock(&b->waiters.lock);
	if (b->arrived)
		rc = EBUSY;
	else
		sync_set_magic(&b->magic, 0);
	tmm_spin_unlock(&b->waiters.lock);
	return rc;
}
