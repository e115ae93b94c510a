/*
 * thread.c — what a tmm thread is, the same under every model: creation,
 * join, detach, exit, names, states, the registry of live threads.
 *
 * A thread record has two kinds of reference: its owner's (dropped by join,
 * or by detach) and the running thread's own (dropped when it terminated);
 * tmm_enumerate takes one more while it calls back.  The record goes back
 * to the pool when the last is dropped.  The pool, the registry and the
 * counters share one lock, tmm_rt.reg.lock, whose wait queue holds tmm_fini
 * while it waits for the non-daemon threads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "runtime.h"
#include "snapshot.h"
#include "stack.h"
#include "waitq.h"

static struct tmm_thread *pool;

void tmm_thread_set_state(struct tmm_thread *t, enum tmm_state s)
{
	__atomic_store_n(&t->state, (int)s, __ATOMIC_RELEASE);
	tmm_snapshot_set_state(t->snap, s);
}

/* reg.lock held. */
static struct tmm_thread *pool_take(void)
{
	struct tmm_thread *t = pool;

	if (t) {
		pool = t->free_next;
		/* The park lock and sequence survive reuse: a late timer expiry may still look. */
		struct tmm_spin lock = t->park_lock;
		uint64_t seq = t->park_seq;

		memset(t, 0, sizeof(*t));
		t->park_lock = lock;
		t->park_seq = seq;
	} else {
		t = calloc(1, sizeof(*t));
	}
	return t;
}

/* "thread-<id>", by hand: snprintf cost as much as the rest of a create. */
static void default_name(char name[TMM_NAME_MAX], unsigned long id)
{
	static const char prefix[] = "thread-";
	char digits[24];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	memcpy(name, prefix, sizeof(prefix) - 1);
	for (size_t i = 0; i < n; i++)
		name[sizeof(prefix) - 1 + i] = digits[n - 1 - i];
	name[sizeof(prefix) - 1 + n] = 0;
}

struct tmm_thread *tmm_thread_alloc(const struct tmm_attr *attr)
{
	struct tmm_thread *t;

	tmm_spin_lock(&tmm_rt.reg.lock);
	t = pool_take();
	if (t)
		t->id = ++tmm_rt.next_id;
	tmm_spin_unlock(&tmm_rt.reg.lock);
	if (!t)
		return 0;
	t->refs = 2;
	t->generation = tmm_generation;
	t->timer_idx = -1;
	t->state = TMM_NEW;
	if (attr && attr->name)
		snprintf(t->name, sizeof(t->name), "%s", attr->name);
	else
		default_name(t->name, t->id);
	t->stack_size = attr && attr->stack_size ? attr->stack_size : tmm_rt.stack_size;
	t->detached = attr ? !!attr->detached : 0;
	t->daemon = attr ? !!attr->daemon : 0;
	if (t->detached)
		t->refs = 1; /* nobody will join */
	t->snap = tmm_snapshot_thread_add(t->id, t->name);
	return t;
}

/* reg.lock held. */
static void put_locked(struct tmm_thread *t)
{
	if (--t->refs == 0) {
		t->free_next = pool;
		pool = t;
	}
}

void tmm_thread_put(struct tmm_thread *t)
{
	tmm_spin_lock(&tmm_rt.reg.lock);
	put_locked(t);
	tmm_spin_unlock(&tmm_rt.reg.lock);
}

void tmm_thread_register(struct tmm_thread *t)
{
	tmm_spin_lock(&tmm_rt.reg.lock);
	t->all_prev = 0;
	t->all_next = tmm_rt.all;
	if (tmm_rt.all)
		tmm_rt.all->all_prev = t;
	tmm_rt.all = t;
	tmm_rt.live++;
	if (!t->daemon && !t->is_main)
		tmm_rt.others_waited++;
	tmm_spin_unlock(&tmm_rt.reg.lock);
}

/* reg.lock held. */
static void unlink_locked(struct tmm_thread *t)
{
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		tmm_rt.all = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	tmm_rt.live--;
}

/*
 * The thread's last steps, once it no longer runs on a tmm stack (user-level
 * threads: from the scheduler; 1:1: from its own kernel thread, after which
 * it touches nothing of the runtime's).
 */
void tmm_thread_terminated(struct tmm_thread *t)
{
	struct tmm_waiter *w, *joiners = 0, *finis = 0;

	tmm_thread_set_state(t, TMM_TERMINATED);
	tmm_tls_free(t);
	tmm_snapshot_thread_remove(t->snap);
	t->snap = 0;

	/* No longer live by the time a joiner returns. */
	tmm_spin_lock(&tmm_rt.reg.lock);
	unlink_locked(t);
	tmm_spin_unlock(&tmm_rt.reg.lock);

	tmm_spin_lock(&t->joiners.lock);
	t->exited = 1;
	while ((w = tmm_waitq_pop(&t->joiners))) {
		w->next = joiners;
		joiners = w;
	}
	tmm_spin_unlock(&t->joiners.lock);
	for (w = joiners; w;) {
		struct tmm_waiter *next = w->next; /* w dies once woken */

		tmm_waiter_wake(w);
		w = next;
	}

	/* Last: once tmm_fini may go on, nothing here touches the runtime. */
	tmm_spin_lock(&tmm_rt.reg.lock);
	if (!t->daemon && !t->is_main && --tmm_rt.others_waited == 0)
		while ((w = tmm_waitq_pop(&tmm_rt.reg))) {
			w->next = finis;
			finis = w;
		}
	put_locked(t);
	tmm_spin_unlock(&tmm_rt.reg.lock);
	for (w = finis; w;) {
		struct tmm_waiter *next = w->next;

		tmm_waiter_wake(w);
		w = next;
	}
}

/* On the new thread's own stack: runs it to its end. */
void tmm_thread_run(struct tmm_thread *t)
{
	t->retval = t->fn(t->arg);
	if (tmm_thread_stale(t))
		pthread_exit(0); /* a 1:1 daemon outliving tmm_fini: the runtime is gone */
	tmm_thread_finish(t);
	tmm_rt.sched->exit(t);
}

/* Exit steps that run on the exiting thread's stack. */
void tmm_thread_finish(struct tmm_thread *t)
{
	tmm_tls_run_destructors(t);
}

/* Off without a snapshot (no TMM_STATS=1): nobody reads run_ns, so no clock. */
int tmm_accounting;

void tmm_account_start_at(struct tmm_thread *t, pid_t ktid, uint64_t now)
{
	t->ktid = ktid;
	t->switches++;
	t->run_since = now;
	tmm_thread_set_state(t, TMM_RUNNING);
	tmm_snapshot_switched_in(t->snap, tmm_snapshot_kthread_self());
}

void tmm_account_start(struct tmm_thread *t, pid_t ktid)
{
	tmm_account_start_at(t, ktid, tmm_accounting ? tmm_clock_ns() : 0);
}

uint64_t tmm_account_stop(struct tmm_thread *t)
{
	uint64_t now, ran;

	if (!tmm_accounting) {
		tmm_snapshot_set_state(t->snap, tmm_thread_state(t));
		return 0;
	}
	now = tmm_clock_ns();
	/* A start read on another CPU may be a hair ahead. */
	ran = now > t->run_since ? now - t->run_since : 0;
	t->run_ns += ran;
	tmm_snapshot_switched_out(t->snap, tmm_thread_state(t), ran);
	return now;
}

static int attr_valid(const struct tmm_attr *attr)
{
	if (!attr || !attr->stack_size)
		return 1;
	return attr->stack_size >= TMM_STACK_MIN && attr->stack_size <= TMM_STACK_MAX;
}

TMM_API int tmm_create(tmm_thread_t **thread, const struct tmm_attr *attr, void *(*fn)(void *),
		       void *arg)
{
	struct tmm_thread *t;
	int err;

	if (!thread || !fn || !attr_valid(attr))
		return EINVAL;
	if (!tmm_rt.started)
		return EINVAL;
	t = tmm_thread_alloc(attr);
	if (!t)
		return ENOMEM;
	t->fn = fn;
	t->arg = arg;
	*thread = t;
	tmm_thread_register(t);
	err = tmm_rt.sched->spawn(t);
	if (err) {
		tmm_spin_lock(&tmm_rt.reg.lock);
		unlink_locked(t);
		if (!t->daemon)
			tmm_rt.others_waited--;
		t->refs = 1;
		put_locked(t);
		tmm_spin_unlock(&tmm_rt.reg.lock);
		*thread = 0;
	}
	return err;
}

TMM_API int tmm_join(tmm_thread_t *t, void **retval)
{
	struct tmm_thread *self = tmm_current();
	struct tmm_waiter w = {0};

	if (!t || !tmm_rt.started)
		return EINVAL;
	if (t == self)
		return EDEADLK;
	if (!self)
		return EPERM;
	tmm_spin_lock(&t->joiners.lock);
	if (t->detached || t->joined || t->is_main) {
		tmm_spin_unlock(&t->joiners.lock);
		return EINVAL;
	}
	t->joined = 1;
	if (!t->exited)
		tmm_waitq_wait(&t->joiners, &w, 0);
	else
		tmm_spin_unlock(&t->joiners.lock);
	if (retval)
		*retval = t->retval;
	tmm_thread_put(t);
	return 0;
}

TMM_API int tmm_detach(tmm_thread_t *t)
{
	if (!t || !tmm_rt.started)
		return EINVAL;
	tmm_spin_lock(&t->joiners.lock);
	if (t->detached || t->joined || t->is_main) {
		tmm_spin_unlock(&t->joiners.lock);
		return EINVAL;
	}
	t->detached = 1;
	tmm_spin_unlock(&t->joiners.lock);
	tmm_thread_put(t);
	return 0;
}

int tmm_fini(void);

TMM_API void tmm_exit(void *retval)
{
	struct tmm_thread *self = tmm_current();

	if (!self || tmm_thread_stale(self))
		pthread_exit(retval);
	if (self->is_main) {
		/* Main: like returning from main() after tmm_fini(). */
		tmm_fini();
		exit(0);
	}
	self->retval = retval;
	tmm_thread_finish(self);
	tmm_rt.sched->exit(self);
}

TMM_API tmm_thread_t *tmm_self(void)
{
	return tmm_rt.started ? tmm_current() : 0;
}

TMM_API void tmm_yield(void)
{
	struct tmm_thread *self = tmm_current();

	if (self && tmm_rt.started)
		tmm_rt.sched->yield(self);
}

TMM_API int tmm_sleep_ns(uint64_t ns)
{
	struct tmm_thread *self = tmm_current();
	uint64_t deadline;

	if (!self || !tmm_rt.started)
		return EINVAL;
	if (!ns) {
		tmm_rt.sched->yield(self);
		return 0;
	}
	deadline = tmm_deadline(ns);
	while (tmm_now_ns() < deadline)
		tmm_rt.sched->park(self, 0, deadline, TMM_WAIT_SLEEP);
	return 0;
}

TMM_API const char *tmm_thread_name(const tmm_thread_t *t)
{
	return t ? t->name : 0;
}

TMM_API enum tmm_state tmm_thread_state(const tmm_thread_t *t)
{
	if (!t)
		return TMM_TERMINATED;
	return (enum tmm_state)__atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
}

TMM_API size_t tmm_active_count(void)
{
	size_t n;

	if (!tmm_rt.started)
		return 0;
	tmm_spin_lock(&tmm_rt.reg.lock);
	n = tmm_rt.live;
	tmm_spin_unlock(&tmm_rt.reg.lock);
	return n;
}

/* Snapshot under the lock with a reference each, call back without it. */
TMM_API int tmm_enumerate(int (*fn)(tmm_thread_t *thread, void *arg), void *arg)
{
	struct tmm_thread **snap, *t;
	size_t n = 0, i;

	if (!fn || !tmm_rt.started)
		return EINVAL;
	tmm_spin_lock(&tmm_rt.reg.lock);
	snap = malloc((tmm_rt.live ? tmm_rt.live : 1) * sizeof(*snap));
	if (snap)
		for (t = tmm_rt.all; t; t = t->all_next) {
			t->refs++;
			snap[n++] = t;
		}
	tmm_spin_unlock(&tmm_rt.reg.lock);
	if (!snap)
		return ENOMEM;
	for (i = 0; i < n; i++)
		if (fn(snap[i], arg))
			break;
	tmm_spin_lock(&tmm_rt.reg.lock);
	for (i = 0; i < n; i++)
		put_locked(snap[i]);
	tmm_spin_unlock(&tmm_rt.reg.lock);
	free(snap);
	return 0;
}

/*
 * At tmm_fini, after the scheduler stopped: the threads still registered are
 * daemons.  With @keep_running they may still run (1:1 kernel threads, or a
 * worker that did not stop) and are left alone, reachable; otherwise they
 * are freed with their stacks.  The pool is freed either way.
 */
static struct tmm_thread *abandoned;

void tmm_threads_fini(int keep_running)
{
	struct tmm_thread *t, *next;

	tmm_spin_lock(&tmm_rt.reg.lock);
	for (t = tmm_rt.all; t; t = next) {
		next = t->all_next;
		if (keep_running && !t->is_main) {
			/* The snapshot goes away: a late store must not reach the next one. */
			t->snap = 0;
			t->snap_kthread = 0;
			t->free_next = abandoned;
			abandoned = t;
			continue;
		}
		if (t->stack)
			tmm_stack_put(t->stack);
		tmm_tls_free(t);
		tmm_snapshot_thread_remove(t->snap);
		free(t);
	}
	tmm_rt.all = 0;
	tmm_rt.live = 0;
	while (pool) {
		t = pool;
		pool = t->free_next;
		free(t);
	}
	tmm_spin_unlock(&tmm_rt.reg.lock);
}
