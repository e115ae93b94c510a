/*
 * event.c — tmm_event_t, Python's threading.Event: a flag that waiters wait
 * to see set.
 *
 * set raises the flag and wakes every thread waiting at that moment; they
 * return 0 even if the flag is cleared again before they run, as in Python
 * (they were woken by a set, not by observing the flag later).
 */
#include <errno.h>

#include "sync.h"

static int event_alive(tmm_event_t *e)
{
	return sync_alive(e ? &e->magic : 0, TMM_MAGIC_EVENT);
}

static int event_wait(tmm_event_t *e, int timed, uint64_t timeout_ns)
{
	struct tmm_waiter w = {0};

	if (!event_alive(e))
		return EINVAL;
	tmm_spin_lock(&e->waiters.lock);
	if (e->set) {
		tmm_spin_unlock(&e->waiters.lock);
		return 0;
	}
	return sync_wait(&e->waiters, &w, sync_deadline(timed, timeout_ns));
}

TMM_API int tmm_event_init(tmm_event_t *e)
{
	if (!e)
		return EINVAL;
	sync_waitq_init(&e->waiters);
	__atomic_store_n(&e->set, 0, __ATOMIC_RELEASE);
	sync_set_magic(&e->magic, TMM_MAGIC_EVENT);
	return 0;
}

TMM_API int tmm_event_set(tmm_event_t *e)
{
	struct sync_wakelist woken = {0};

	if (!event_alive(e))
		return EINVAL;
	tmm_spin_lock(&e->waiters.lock);
	__atomic_store_n(&e->set, 1, __ATOMIC_RELEASE);
	sync_pop_all(&e->waiters, &woken, 0);
	tmm_spin_unlock(&e->waiters.lock);
	sync_wakelist_wake(&woken);
	return 0;
}

TMM_API int tmm_event_clear(tmm_event_t *e)
{
	if (!event_alive(e))
		return EINVAL;
	tmm_spin_lock(&e->waiters.lock);
	__atomic_store_n(&e->set, 0, __ATOMIC_RELEASE);
	tmm_spin_unlock(&e->waiters.lock);
	return 0;
}

/* 1 or 0; EINVAL is positive too, so a bad event is reported as EINVAL. */
TMM_API int tmm_event_is_set(tmm_event_t *e)
{
	if (!event_alive(e))
		return EINVAL;
	return __atomic_load_n(&e->set, __ATOMIC_ACQUIRE);
}

TMM_API int tmm_event_wait(tmm_event_t *e)
{
	return event_wait(e, 0, 0);
}

TMM_API int tmm_event_timedwait(tmm_event_t *e, uint64_t timeout_ns)
{
	return event_wait(e, 1, timeout_ns);
}

TMM_API int tmm_event_destroy(tmm_event_t *e)
{
	int rc = 0;

	if (!event_alive(e))
		return EINVAL;
	tmm_spin_lock(&e->waiters.lock);
	if (!tmm_waitq_empty(&e->waiters))
		rc = EBUSY;
	else
		sync_set_magic(&e->magic, 0);
	tmm_spin_unlock(&e->waiters.lock);
	return rc;
}
