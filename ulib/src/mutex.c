/*
 * mutex.c — tmm_mutex_t: barging with a hand-off mode against starvation.
 *
 * A lock word (state) says whether the mutex is held, whether threads may be
 * queued (CONTENDED) and whether unlock must pass ownership straight to the
 * oldest waiter (HANDOFF).  Uncontended lock and unlock are one
 * compare-and-swap each, with no queue lock.
 *
 * Why barging: under contention the thread that just unlocked is usually
 * still running and relocks at once; handing the mutex to a parked thread
 * every time would put a wake-up and a switch (a kernel round trip under 1:1,
 * often a cross-worker wake under M:N) inside every critical section, the
 * "lock convoy".  So unlock frees the mutex and wakes one waiter, which
 * competes for it like a newcomer.
 *
 * Why a short spin before queueing (adaptive, as Solaris's adaptive
 * mutexes, glibc's PTHREAD_MUTEX_ADAPTIVE_NP and Go's sync.Mutex): while
 * the owner runs on another kernel thread its critical section usually ends
 * sooner than a park and a wake-up would take (a futex wake-up costs
 * microseconds, tens on a virtual machine).  So a waiter polls the mutex
 * for up to MUTEX_SPIN_NS, and only while the owner is not parked itself
 * and the waiter's scheduler says that spinning keeps no one else from
 * running (never under M:1).
 *
 * Why a hand-off mode: pure barging can starve a waiter forever.  A waiter
 * that has been waiting longer than MUTEX_STARVE_NS (as in Go's sync.Mutex)
 * sets HANDOFF; from then on unlock gives the mutex to the queue's head in
 * FIFO order and newcomers queue up, until the queue empties or the head
 * waiter was not starving itself.
 *
 * Invariants: state changes only by compare-and-swap; while the mutex is
 * held, only holders of the queue lock change state (the lock-free fast paths
 * need it free); HANDOFF implies LOCKED; CONTENDED is set whenever the queue
 * is not empty (it may linger spuriously: unlock then just finds nobody).
 */
#include <errno.h>
#include <limits.h>

#include "sync.h"

enum {
	MUTEX_LOCKED = 1u,
	MUTEX_CONTENDED = 2u,
	MUTEX_HANDOFF = 4u,
};

#define MUTEX_STARVE_NS 1000000ull /* 1 ms */
#define MUTEX_SPIN_NS 10000ull	   /* 10 us */
#define MUTEX_SPIN_CLOCK_EVERY 16  /* polls between clock reads */

/* tmm_waiter.result: set by the waiter before parking, then by unlock. */
enum { WAITER_PATIENT = 0, WAITER_STARVING = 1, WAITER_HANDED = 2 };

static struct tmm_thread *mutex_owner(const tmm_mutex_t *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
}

static void mutex_set_owner(tmm_mutex_t *m, struct tmm_thread *owner)
{
	__atomic_store_n(&m->owner, owner, __ATOMIC_RELAXED);
}

/* Takes the mutex if it is free, without the queue lock (barging). */
static int mutex_try_acquire(tmm_mutex_t *m)
{
	unsigned int s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);

	while (!(s & (MUTEX_LOCKED | MUTEX_HANDOFF))) {
		if (__atomic_compare_exchange_n(&m->state, &s, s | MUTEX_LOCKED, 1,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return 1;
	}
	return 0;
}

/*
 * Queue lock held: takes the mutex if it is free (1), else flags that the
 * caller is about to queue, asking for hand-off if it starves (0).
 */
static int mutex_acquire_or_announce(tmm_mutex_t *m, int starving)
{
	unsigned int s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
	unsigned int next;

	do {
		if (!(s & MUTEX_LOCKED)) {
			next = (s | MUTEX_LOCKED) & ~MUTEX_CONTENDED;
			if (!tmm_waitq_empty(&m->waiters))
				next |= MUTEX_CONTENDED;
		} else {
			next = s | MUTEX_CONTENDED | (starving ? MUTEX_HANDOFF : 0);
		}
	} while (!__atomic_compare_exchange_n(&m->state, &s, next, 1, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return !(s & MUTEX_LOCKED);
}

/*
 * Polls the mutex while its owner is not parked itself, for MUTEX_SPIN_NS
 * at most (and not past @deadline, 0: none): 1 with it taken, 0 to queue
 * instead (the owner waits for something, the queue's head is owed the
 * mutex, spinning would keep a thread from running, or time is up).  An
 * owner woken but not running yet counts as running: it will be soon, and
 * parking then would make the next handoff a wake-up too.
 */
static int mutex_spin(tmm_mutex_t *m, uint64_t deadline)
{
	uint64_t until = 0;
	unsigned int polls;

	for (polls = 0;; polls++) {
		unsigned int s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
		struct tmm_thread *owner = mutex_owner(m);

		if (s & MUTEX_HANDOFF)
			return 0;
		if (!(s & MUTEX_LOCKED) && mutex_try_acquire(m))
			return 1;
		if (owner && tmm_thread_state(owner) == TMM_BLOCKED)
			return 0;
		if (!polls) {
			if (!tmm_may_spin())
				return 0;
			until = tmm_now_ns() + MUTEX_SPIN_NS;
			if (deadline && deadline < until)
				until = deadline;
		} else if (!(polls % MUTEX_SPIN_CLOCK_EVERY) && tmm_now_ns() >= until) {
			return 0;
		}
		__builtin_ia32_pause();
	}
}

/*
 * Waits for the mutex until @deadline (0: none): 0 with it held, else
 * ETIMEDOUT (or the park's own error) with the caller out of the queue.  A
 * waiter that leaves this way may leave CONTENDED set, and HANDOFF if it was
 * starving: both only send the next unlock down its slow path, which clears
 * them when nobody is left to serve.
 */
static int mutex_lock_slow(tmm_mutex_t *m, uint64_t deadline)
{
	uint64_t start = tmm_now_ns();
	int starving = 0;

	if (mutex_spin(m, deadline))
		return 0;
	for (;;) {
		struct tmm_waiter w = {.result = starving ? WAITER_STARVING : WAITER_PATIENT};
		int rc;

		tmm_spin_lock(&m->waiters.lock);
		if (mutex_acquire_or_announce(m, starving)) {
			tmm_spin_unlock(&m->waiters.lock);
			return 0;
		}
		rc = tmm_waitq_wait(&m->waiters, &w, deadline);
		if (w.result == WAITER_HANDED)
			return 0;
		if (rc)
			return rc;
		if (!starving && tmm_now_ns() - start > MUTEX_STARVE_NS)
			starving = 1;
	}
}

/* Queue lock held, mutex held by the caller: gives it to w (hand-off mode). */
static void mutex_hand_to(tmm_mutex_t *m, struct tmm_waiter *w, unsigned int s)
{
	unsigned int next = s;

	if (tmm_waitq_empty(&m->waiters))
		next &= ~(MUTEX_CONTENDED | MUTEX_HANDOFF);
	else if (w->result != WAITER_STARVING)
		next &= ~MUTEX_HANDOFF;
	__atomic_store_n(&m->state, next, __ATOMIC_RELAXED);
	mutex_set_owner(m, w->thread);
	w->result = WAITER_HANDED;
}

static void mutex_unlock_slow(tmm_mutex_t *m)
{
	struct tmm_waiter *w;
	unsigned int s;

	tmm_spin_lock(&m->waiters.lock);
	w = tmm_waitq_pop(&m->waiters);
	s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
	if (w && (s & MUTEX_HANDOFF)) {
		mutex_hand_to(m, w, s);
	} else {
		/* Free it; the popped waiter competes for it like a newcomer. */
		unsigned int next = tmm_waitq_empty(&m->waiters) ? 0 : MUTEX_CONTENDED;

		__atomic_store_n(&m->state, next, __ATOMIC_RELEASE);
	}
	tmm_spin_unlock(&m->waiters.lock);
	if (w)
		tmm_waiter_wake(w);
}

/* The caller owns m: lets go of it entirely. */
static void mutex_release(tmm_mutex_t *m)
{
	unsigned int s = MUTEX_LOCKED;

	mutex_set_owner(m, 0);
	if (!__atomic_compare_exchange_n(&m->state, &s, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		mutex_unlock_slow(m);
}

static void mutex_acquire(tmm_mutex_t *m, struct tmm_thread *self)
{
	if (!mutex_try_acquire(m))
		mutex_lock_slow(m, 0);
	mutex_set_owner(m, self);
}

/* Relocking by the owner: a recursive mutex counts, a normal one refuses. */
static int mutex_relock(tmm_mutex_t *m, int busy_error)
{
	if (!(m->flags & TMM_MUTEX_RECURSIVE))
		return busy_error;
	if (m->depth == UINT_MAX)
		return EAGAIN;
	m->depth++;
	return 0;
}

TMM_API int tmm_mutex_init(tmm_mutex_t *m, int flags)
{
	if (!m || (flags & ~TMM_MUTEX_RECURSIVE))
		return EINVAL;
	m->state = 0;
	sync_waitq_init(&m->waiters);
	m->owner = 0;
	m->depth = 0;
	m->flags = flags;
	sync_set_magic(&m->magic, TMM_MAGIC_MUTEX);
	return 0;
}

/*
 * tmm_mutex_lock, and with @timed tmm_mutex_timedlock: giving up with
 * ETIMEDOUT after @timeout_ns; 0: take it only if it is free now
 * (ETIMEDOUT rather than trylock's EBUSY otherwise).
 */
static int mutex_lock_checked(tmm_mutex_t *m, int timed, uint64_t timeout_ns)
{
	struct tmm_thread *self = tmm_current();

	if (!sync_alive(m ? &m->magic : 0, TMM_MAGIC_MUTEX))
		return EINVAL;
	if (!self)
		return EPERM;
	if (mutex_owner(m) == self)
		return mutex_relock(m, EDEADLK);
	if (!mutex_try_acquire(m)) {
		int rc = timed && !timeout_ns
			     ? ETIMEDOUT
			     : mutex_lock_slow(m, sync_deadline(timed, timeout_ns));

		if (rc)
			return rc;
	}
	mutex_set_owner(m, self);
	return 0;
}

TMM_API int tmm_mutex_lock(tmm_mutex_t *m)
{
	return mutex_lock_checked(m, 0, 0);
}

TMM_API int tmm_mutex_timedlock(tmm_mutex_t *m, uint64_t timeout_ns)
{
	return mutex_lock_checked(m, 1, timeout_ns);
}

TMM_API int tmm_mutex_trylock(tmm_mutex_t *m)
{
	struct tmm_thread *self = tmm_current();

	if (!sync_alive(m ? &m->magic : 0, TMM_MAGIC_MUTEX))
		return EINVAL;
	if (!self)
		return EPERM;
	if (mutex_owner(m) == self)
		return mutex_relock(m, EBUSY);
	if (!mutex_try_acquire(m))
		return EBUSY;
	mutex_set_owner(m, self);
	return 0;
}

TMM_API int tmm_mutex_unlock(tmm_mutex_t *m)
{
	if (!sync_alive(m ? &m->magic : 0, TMM_MAGIC_MUTEX))
		return EINVAL;
	if (!tmm_current() || mutex_owner(m) != tmm_current())
		return EPERM;
	if (m->depth) {
		m->depth--;
		return 0;
	}
	mutex_release(m);
	return 0;
}

TMM_API int tmm_mutex_destroy(tmm_mutex_t *m)
{
	int rc = 0;

	if (!sync_alive(m ? &m->magic : 0, TMM_MAGIC_MUTEX))
		return EINVAL;
	tmm_spin_lock(&m->waiters.lock);
	if (__atomic_load_n(&m->state, __ATOMIC_RELAXED) & MUTEX_LOCKED ||
	    !tmm_waitq_empty(&m->waiters))
		rc = EBUSY;
	else
		sync_set_magic(&m->magic, 0);
	tmm_spin_unlock(&m->waiters.lock);
	return rc;
}

int sync_mutex_owned(tmm_mutex_t *m)
{
	return tmm_current() && mutex_owner(m) == tmm_current();
}

int sync_mutex_release_all(tmm_mutex_t *m, unsigned int *depth)
{
	if (!sync_mutex_owned(m))
		return EPERM;
	*depth = m->depth;
	m->depth = 0;
	mutex_release(m);
	return 0;
}

void sync_mutex_reacquire(tmm_mutex_t *m, unsigned int depth)
{
	mutex_acquire(m, tmm_current());
	m->depth = depth;
}
