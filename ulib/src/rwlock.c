/*
 * rwlock.c — tmm_rwlock_t: many readers or one writer, served in FIFO order.
 *
 * Fairness: readers and writers wait in one FIFO.  A newcomer queues behind
 * anyone already waiting, so a stream of readers cannot starve a writer, and
 * when the lock is released it goes to the oldest waiter: a writer, or the
 * whole run of readers at the head of the queue (they hold it together).
 * Readers and writers thus alternate in phases; neither side starves.
 *
 * The lock keeps a table of its readers (thread, holds), so that:
 *  - unlock by a thread holding nothing is EPERM, as for a writer;
 *  - a reader may take the read lock again while a writer waits (it would
 *    deadlock if it queued behind that writer);
 *  - wrlock by a reader, or rdlock/wrlock by the writer, is EDEADLK.
 * The table grows on the heap.  Its entries are reserved before a reader
 * queues, so that granting the lock to queued readers never allocates.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"

struct tmm_rwlock_reader {
	struct tmm_thread *thread;
	unsigned int holds;
};

/* tmm_waiter.result while queued: what the waiter wants. */
enum { WANTS_READ = 1, WANTS_WRITE = 2 };

static int rwlock_alive(tmm_rwlock_t *l)
{
	return sync_alive(l ? &l->magic : 0, TMM_MAGIC_RWLOCK);
}

/* Queue lock held: the caller's entry in the reader table, or NULL. */
static struct tmm_rwlock_reader *rw_find_reader(tmm_rwlock_t *l, struct tmm_thread *self)
{
	for (unsigned int i = 0; i < l->nreaders; i++)
		if (l->readers[i].thread == self)
			return &l->readers[i];
	return 0;
}

/* Queue lock held: adds a reader into an entry reserved earlier. */
static void rw_add_reader(tmm_rwlock_t *l, struct tmm_thread *thread)
{
	l->readers[l->nreaders].thread = thread;
	l->readers[l->nreaders].holds = 1;
	l->nreaders++;
}

static void rw_remove_reader(tmm_rwlock_t *l, struct tmm_rwlock_reader *r)
{
	*r = l->readers[--l->nreaders];
	l->reserved--;
}

/*
 * Queue lock held (dropped and retaken while allocating): reserves a reader
 * table entry for the caller.  ENOMEM if the table cannot grow.
 */
static int rw_reserve(tmm_rwlock_t *l)
{
	while (l->reserved == l->capacity) {
		unsigned int cap = l->capacity ? 2 * l->capacity : 8;
		struct tmm_rwlock_reader *grown, *old = 0;

		if (l->capacity > UINT_MAX / 2)
			return ENOMEM;
		tmm_spin_unlock(&l->waiters.lock);
		grown = malloc(cap * sizeof(*grown));
		tmm_spin_lock(&l->waiters.lock);
		if (!grown)
			return ENOMEM;
		if (l->capacity < cap) {
			if (l->nreaders)
				memcpy(grown, l->readers, l->nreaders * sizeof(*grown));
			old = l->readers;
			l->readers = grown;
			l->capacity = cap;
		} else {
			old = grown; /* someone else grew it meanwhile */
		}
		tmm_spin_unlock(&l->waiters.lock);
		free(old);
		tmm_spin_lock(&l->waiters.lock);
	}
	l->reserved++;
	return 0;
}

/* Queue lock held, lock free: grants it to the oldest waiter(s). */
static void rw_grant(tmm_rwlock_t *l, struct sync_wakelist *woken)
{
	struct tmm_waiter *w = sync_waitq_peek(&l->waiters);

	if (w && w->result == WANTS_WRITE) {
		tmm_waitq_pop(&l->waiters);
		l->writer = w->thread;
		sync_wakelist_add(woken, w);
		return;
	}
	while (w && w->result == WANTS_READ) {
		tmm_waitq_pop(&l->waiters);
		rw_add_reader(l, w->thread);
		sync_wakelist_add(woken, w);
		w = sync_waitq_peek(&l->waiters);
	}
}

/* Queue lock held: whether a newcomer may take the lock without queueing. */
static int rw_free_for_reader(const tmm_rwlock_t *l)
{
	return !l->writer && tmm_waitq_empty(&l->waiters);
}

static int rw_free_for_writer(const tmm_rwlock_t *l)
{
	return !l->writer && !l->nreaders && tmm_waitq_empty(&l->waiters);
}

static int rwlock_rdlock(tmm_rwlock_t *l, int mode_try)
{
	struct tmm_thread *self = tmm_current();
	struct tmm_waiter w = {.result = WANTS_READ};
	struct tmm_rwlock_reader *r;
	int rc;

	if (!rwlock_alive(l))
		return EINVAL;
	if (!self)
		return EPERM;
	tmm_spin_lock(&l->waiters.lock);
	if (l->writer == self) {
		rc = mode_try ? EBUSY : EDEADLK;
	} else if ((r = rw_find_reader(l, self))) {
		rc = r->holds == UINT_MAX ? EAGAIN : 0;
		r->holds += !rc;
	} else if ((rc = rw_reserve(l)) == 0) {
		if (rw_free_for_reader(l)) {
			rw_add_reader(l, self);
		} else if (mode_try) {
			l->reserved--;
			rc = EBUSY;
		} else {
			return tmm_waitq_wait(&l->waiters, &w, 0);
		}
	}
	tmm_spin_unlock(&l->waiters.lock);
	return rc;
}

static int rwlock_wrlock(tmm_rwlock_t *l, int mode_try)
{
	struct tmm_thread *self = tmm_current();
	struct tmm_waiter w = {.result = WANTS_WRITE};
	int rc = 0;

	if (!rwlock_alive(l))
		return EINVAL;
	if (!self)
		return EPERM;
	tmm_spin_lock(&l->waiters.lock);
	if (rw_free_for_writer(l))
		l->writer = self;
	else if (mode_try)
		rc = EBUSY;
	else if (l->writer == self || rw_find_reader(l, self))
		rc = EDEADLK;
	else
		return tmm_waitq_wait(&l->waiters, &w, 0);
	tmm_spin_unlock(&l->waiters.lock);
	return rc;
}

TMM_API int tmm_rwlock_init(tmm_rwlock_t *l)
{
	if (!l)
		return EINVAL;
	sync_waitq_init(&l->waiters);
	l->writer = 0;
	l->readers = 0;
	l->nreaders = l->reserved = l->capacity = 0;
	sync_set_magic(&l->magic, TMM_MAGIC_RWLOCK);
	return 0;
}

TMM_API int tmm_rwlock_rdlock(tmm_rwlock_t *l)
{
	return rwlock_rdlock(l, 0);
}

TMM_API int tmm_rwlock_tryrdlock(tmm_rwlock_t *l)
{
	return rwlock_rdlock(l, 1);
}

TMM_API int tmm_rwlock_wrlock(tmm_rwlock_t *l)
{
	return rwlock_wrlock(l, 0);
}

TMM_API int tmm_rwlock_trywrlock(tmm_rwlock_t *l)
{
	return rwlock_wrlock(l, 1);
}

TMM_API int tmm_rwlock_unlock(tmm_rwlock_t *l)
{
	struct tmm_thread *self = tmm_current();
	struct sync_wakelist woken = {0};
	struct tmm_rwlock_reader *r;
	int rc = 0;

	if (!rwlock_alive(l))
		return EINVAL;
	tmm_spin_lock(&l->waiters.lock);
	if (self && l->writer == self) {
		l->writer = 0;
		rw_grant(l, &woken);
	} else if (self && (r = rw_find_reader(l, self))) {
		if (--r->holds == 0)
			rw_remove_reader(l, r);
		if (!l->nreaders)
			rw_grant(l, &woken);
	} else {
		rc = EPERM;
	}
	tmm_spin_unlock(&l->waiters.lock);
	sync_wakelist_wake(&woken);
	return rc;
}

TMM_API int tmm_rwlock_destroy(tmm_rwlock_t *l)
{
	struct tmm_rwlock_reader *table = 0;
	int rc = 0;

	if (!rwlock_alive(l))
		return EINVAL;
	tmm_spin_lock(&l->waiters.lock);
	if (l->writer || l->nreaders || !tmm_waitq_empty(&l->waiters)) {
		rc = EBUSY;
	} else {
		table = l->readers;
		l->readers = 0;
		l->capacity = l->reserved = 0;
		sync_set_magic(&l->magic, 0);
	}
	tmm_spin_unlock(&l->waiters.lock);
	free(table);
	return rc;
}
