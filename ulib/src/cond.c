/*
 * cond.c — tmm_cond_t: a FIFO of waiters; signal pops one, broadcast all.
 *
 * No lost wake-up: a waiter joins the queue and only then releases the mutex,
 * both under the condition's queue lock, which signal needs too.  So a signal
 * sent after the waiter let go of the mutex finds it queued.  (Lock order:
 * condition queue lock, then the mutex's queue lock inside unlock; nothing
 * takes them the other way round.)
 *
 * The mutex is retaken before returning in every case, ETIMEDOUT included,
 * and a recursive mutex gets its depth back, as Python's Condition over an
 * RLock does.
 */
#include <errno.h>

#include "sync.h"

static int cond_alive(tmm_cond_t *c)
{
	return sync_alive(c ? &c->magic : 0, TMM_MAGIC_COND);
}

static int cond_wait(tmm_cond_t *c, tmm_mutex_t *m, uint64_t deadline)
{
	struct tmm_waiter w = {0};
	unsigned int depth;
	int rc;

	if (!cond_alive(c) || !sync_alive(m ? &m->magic : 0, TMM_MAGIC_MUTEX))
		return EINVAL;
	tmm_spin_lock(&c->waiters.lock);
	rc = sync_mutex_release_all(m, &depth);
	if (rc) {
		tmm_spin_unlock(&c->waiters.lock);
		return rc;
	}
	rc = tmm_waitq_wait(&c->waiters, &w, deadline);
	sync_mutex_reacquire(m, depth);
	return rc;
}

TMM_API int tmm_cond_init(tmm_cond_t *c)
{
	if (!c)
		return EINVAL;
	sync_waitq_init(&c->waiters);
	sync_set_magic(&c->magic, TMM_MAGIC_COND);
	return 0;
}

TMM_API int tmm_cond_wait(tmm_cond_t *c, tmm_mutex_t *m)
{
	return cond_wait(c, m, 0);
}

TMM_API int tmm_cond_timedwait(tmm_cond_t *c, tmm_mutex_t *m, uint64_t timeout_ns)
{
	return cond_wait(c, m, tmm_deadline(timeout_ns));
}

TMM_API int tmm_cond_signal(tmm_cond_t *c)
{
	struct tmm_waiter *w;

	if (!cond_alive(c))
		return EINVAL;
	tmm_spin_lock(&c->waiters.lock);
	w = tmm_waitq_pop(&c->waiters);
	tmm_spin_unlock(&c->waiters.lock);
	if (w)
		tmm_waiter_wake(w);
	return 0;
}

TMM_API int tmm_cond_broadcast(tmm_cond_t *c)
{
	struct sync_wakelist woken = {0};

	if (!cond_alive(c))
		return EINVAL;
	tmm_spin_lock(&c->waiters.lock);
	sync_pop_all(&c->waiters, &woken, 0);
	tmm_spin_unlock(&c->waiters.lock);
	sync_wakelist_wake(&woken);
	return 0;
}

TMM_API int tmm_cond_destroy(tmm_cond_t *c)
{
	int rc = 0;

	if (!cond_alive(c))
		return EINVAL;
	tmm_spin_lock(&c->waiters.lock);
	if (!tmm_waitq_empty(&c->waiters))
		rc = EBUSY;
	else
		sync_set_magic(&c->magic, 0);
	tmm_spin_unlock(&c->waiters.lock);
	return rc;
}
