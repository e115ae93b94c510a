/*
 * sem.c — tmm_sem_t: a counter with a FIFO of waiters.
 *
 * post hands its token straight to the oldest waiter instead of raising the
 * count, so a woken waiter never loses the token to a newcomer, waiters are
 * served in order, and a waiter whose timeout fires just as it is served
 * keeps the token (it reports 0, never a lost post).
 */
#include <errno.h>
#include <limits.h>

#include "sync.h"

static int sem_alive(tmm_sem_t *s)
{
	return sync_alive(s ? &s->magic : 0, TMM_MAGIC_SEM);
}

/* Queue lock held: whether one more token would pass the maximum. */
static int sem_full(const tmm_sem_t *s)
{
	return s->value == (s->max ? s->max : UINT_MAX);
}

static int sem_wait(tmm_sem_t *s, int mode_try, int timed, uint64_t timeout_ns)
{
	struct tmm_waiter w = {0};

	if (!sem_alive(s))
		return EINVAL;
	tmm_spin_lock(&s->waiters.lock);
	if (s->value > 0) {
		s->value--;
		tmm_spin_unlock(&s->waiters.lock);
		return 0;
	}
	if (mode_try) {
		tmm_spin_unlock(&s->waiters.lock);
		return EAGAIN;
	}
	return sync_wait(&s->waiters, &w, sync_deadline(timed, timeout_ns));
}

TMM_API int tmm_sem_init(tmm_sem_t *s, unsigned int value, unsigned int max)
{
	if (!s || (max && value > max))
		return EINVAL;
	sync_waitq_init(&s->waiters);
	s->value = value;
	s->max = max;
	sync_set_magic(&s->magic, TMM_MAGIC_SEM);
	return 0;
}

TMM_API int tmm_sem_wait(tmm_sem_t *s)
{
	return sem_wait(s, 0, 0, 0);
}

TMM_API int tmm_sem_trywait(tmm_sem_t *s)
{
	return sem_wait(s, 1, 0, 0);
}

TMM_API int tmm_sem_timedwait(tmm_sem_t *s, uint64_t timeout_ns)
{
	return sem_wait(s, 0, 1, timeout_ns);
}

TMM_API int tmm_sem_post(tmm_sem_t *s)
{
	struct tmm_waiter *w;

	if (!sem_alive(s))
		return EINVAL;
	tmm_spin_lock(&s->waiters.lock);
	w = tmm_waitq_pop(&s->waiters);
	if (!w) {
		if (sem_full(s)) {
			tmm_spin_unlock(&s->waiters.lock);
			return EOVERFLOW;
		}
		s->value++;
	}
	tmm_spin_unlock(&s->waiters.lock);
	if (w)
		tmm_waiter_wake(w);
	return 0;
}

TMM_API int tmm_sem_destroy(tmm_sem_t *s)
{
	int rc = 0;

	if (!sem_alive(s))
		return EINVAL;
	tmm_spin_lock(&s->waiters.lock);
	if (!tmm_waitq_empty(&s->waiters))
		rc = EBUSY;
	else
		sync_set_magic(&s->magic, 0);
	tmm_spin_unlock(&s->waiters.lock);
	return rc;
}
