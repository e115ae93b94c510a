/*
 * thread.c — what a tmm thread is, the same under every model: creation,
 * join, detach, exit, names, states, the registry of live threads.
 *
 * A thread record has two kinds of reference: its owner's (dropped by join,
 * or by detach) and the running thread's own (dropped when it terminated);
 * tmm_enumerate takes one more while it calls back.  The record goes back
 * to a pool when the last is dropped.
 *
 * The pools and the registry of live threads are split in SHARDS shards,
 * each under its own lock; a kernel thread uses one shard, so kernel threads
 * creating and ending threads at once (fork-join under M:N) do not all meet
 * on one lock.  A create takes its shard's lock once (record, id, given
 * name and registration together); an exit takes the lock of the shard its
 * thread is registered in twice: out of the registry before its joiner is
 * woken, and once it terminated, out of the count tmm_fini waits for and,
 * with the last reference, back into that shard's pool.  Where a parked
 * joiner runs only after the exit ended (user-level threads), both happen
 * in the second (tmm_thread_finish).  Nor does an exit take the join lock
 * that a parked plain joiner let go of.  Ids come to a shard
 * ID_BLOCK at a time (next_id_locked).  Each shard counts its live non-daemon threads
 * under its lock; while tmm_fini waits, the exit that brings a count to zero
 * takes tmm_rt.reg.lock and wakes it (waiting on tmm_rt.reg) if all counts
 * are zero.  So a create+join makes few locked instructions: every one
 * costs a create+join as much as dozens of plain ones.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "clock.h"
#include "runtime.h"
#include "snapshot.h"
#include "stack.h"
#include "waitq.h"

#define SHARDS 8
#define ID_BLOCK 64

struct shard {
	struct tmm_spin lock;		 /* guards the rest */
	struct tmm_thread *pool;	 /* free records */
	struct tmm_thread *all;		 /* live threads registered here */
	size_t live;			 /* atomic reads without the lock */
	unsigned long next_id, ids_left; /* this shard's block of ids */
	size_t others; /* those of them tmm_fini waits for (not daemons, not main) */
} __attribute__((aligned(64)));

static struct shard shards[SHARDS];

static __thread int kthread_shard __attribute__((tls_model("initial-exec")));
static unsigned int shards_given;

/*
 * The calling kernel thread's shard, given round robin on first use.  Not
 * inlined nor analysed across calls: a thread may resume on another kernel
 * thread after parking (park.c says why).
 */
__attribute__((noinline, noipa)) static struct shard *my_shard(void)
{
	if (!kthread_shard)
		kthread_shard =
		    (int)(__atomic_fetch_add(&shards_given, 1, __ATOMIC_RELAXED) % SHARDS) + 1;
	return &shards[kthread_shard - 1];
}

/*
 * A thread parked in tmm_join, on its stack: the exiting thread hands it the
 * result, so the joiner never reads the record again and its reference goes
 * with the exit (tmm_thread_terminated).
 */
struct tmm_joiner {
	struct tmm_thread *thread;
	void *retval;
	int timed;  /* tmm_join_timeout: woken by tmm_unpark, and may give up */
	int taken;  /* timed, under join_lock: the exit took it, it may no longer leave */
	int served; /* timed: the exit's last touch of this struct; atomic */
};

/* ---- records ----------------------------------------------------------------- */

/* A word the compiler lets alias any field, for zero_words. */
typedef uint64_t __attribute__((may_alias)) record_word;

/*
 * Zeroes [@from, @to) one word at a time.  Not memset: GCC turns a memset of
 * this size into rep stos, which took several times as long here (a memset of
 * the whole record was a tenth of a create+join).  The relaxed atomic stores
 * are plain moves that GCC does not fuse back into a memset.
 */
static void zero_words(void *from, void *to)
{
#pragma GCC unroll 32
	for (record_word *w = from; w < (record_word *)to; w++)
		__atomic_store_n(w, 0, __ATOMIC_RELAXED);
}

_Static_assert(offsetof(struct tmm_thread, ctx) % sizeof(record_word) == 0 &&
		   offsetof(struct tmm_thread, tls) % sizeof(record_word) == 0,
	       "zero_words needs word-aligned bounds");

/*
 * A record back from the pool, made like a fresh one without clearing all
 * of it: what every create sets anyway (record_init) is left, and so are the
 * park lock and sequence (a late timer expiry may still look at them:
 * park.c).  The scheduler's and the accounting fields, from the context to
 * the thread-local data, are cleared whatever they are.
 */
static void record_recycle(struct tmm_thread *t)
{
	t->is_main = 0;
	t->retval = 0;
	t->joiner = 0;
	t->joiner_stays = 0;
	t->joined = 0;
	t->exited = 0;
	t->waiting = TMM_WAIT_NONE;
	t->permit = 0; /* a stray unpark of the last thread must not end the next one's park */
	t->park_result = 0;
	t->futex = 0;
	zero_words(&t->ctx, &t->tls);
}

/*
 * "thread-<id>" into @name, by hand (snprintf cost as much as the rest of a
 * create), and async-signal-safe: the overflow report uses it.
 */
void tmm_default_name(char name[TMM_NAME_MAX], unsigned long id)
{
	static const char prefix[] = "thread-";
	char digits[24];
	size_t n = 0, len = sizeof(prefix) - 1;

	do {
		digits[n++] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	memcpy(name, prefix, len);
	while (n)
		name[len++] = digits[--n];
	name[len] = 0;
}

/*
 * @sh locked.  Ids come to a shard ID_BLOCK at a time (as Go's goroutine
 * ids come to a P): one atomic on a shared line per create cost fork-join on
 * two kernel threads a third of its speed.  So ids are unique and count up
 * on each kernel thread, but threads made on different kernel threads (or by
 * an M:N thread that moved) may get them out of creation order.
 */
static unsigned long next_id_locked(struct shard *sh)
{
	if (!sh->ids_left) {
		sh->next_id = __atomic_fetch_add(&tmm_rt.next_id, ID_BLOCK, __ATOMIC_RELAXED) + 1;
		sh->ids_left = ID_BLOCK;
	}
	sh->ids_left--;
	return sh->next_id++;
}

/* Cut to TMM_NAME_MAX - 1 bytes, never overflowed. */
static void copy_name(char name[TMM_NAME_MAX], const char *from)
{
	size_t n = strnlen(from, TMM_NAME_MAX - 1);

	memcpy(name, from, n);
	name[n] = 0;
}

/*
 * @sh locked: what a new thread's record says before anyone can see it
 * (tmm_enumerate hands it out once it is registered, so the name and the
 * references are set under the same lock).
 */
static void record_init(struct shard *sh, struct tmm_thread *t, const struct tmm_attr *attr)
{
	t->id = next_id_locked(sh);
	t->generation = tmm_generation;
	t->state = TMM_NEW;
	t->timer_idx = -1;
	t->unregister_at_end = 0;
	t->detached = attr ? !!attr->detached : 0;
	t->daemon = attr ? !!attr->daemon : 0;
	t->refs = t->detached ? 1 : 2; /* detached: nobody will join */
	t->stack_size = attr && attr->stack_size ? attr->stack_size : tmm_rt.stack_size;
	/* A default name is written when first asked for (tmm_thread_name). */
	t->named = attr && attr->name;
	if (t->named)
		copy_name(t->name, attr->name);
}

/*
 * Takes @sh's lock and returns with it held and a record initialised from
 * @attr, or NULL (lock released) when out of memory.  A fresh record is
 * allocated without the lock, so that no one spins behind calloc.
 */
static struct tmm_thread *record_take_lock(struct shard *sh, const struct tmm_attr *attr)
{
	struct tmm_thread *t;

	tmm_spin_lock(&sh->lock);
	t = sh->pool;
	if (t) {
		sh->pool = t->free_next;
		record_recycle(t);
	} else {
		tmm_spin_unlock(&sh->lock);
		t = calloc(1, sizeof(*t));
		if (!t)
			return 0;
		tmm_spin_lock(&sh->lock);
	}
	record_init(sh, t, attr);
	return t;
}

/* The snapshot's mutex only when there is a snapshot (TMM_STATS=1). */
static void snapshot_add(struct tmm_thread *t)
{
	t->snap = tmm_snapshot_enabled() ? tmm_snapshot_thread_add(t->id, tmm_thread_name(t)) : 0;
}

struct tmm_thread *tmm_thread_alloc(const struct tmm_attr *attr)
{
	struct shard *sh = my_shard();
	struct tmm_thread *t = record_take_lock(sh, attr);

	if (!t)
		return 0;
	tmm_spin_unlock(&sh->lock);
	snapshot_add(t);
	return t;
}

/*
 * Drops @n references of @t, out of the registry: whether they were the
 * last.  Without a locked instruction when they are all there are: a record
 * out of the registry gets no new ones (tmm_enumerate takes them under the
 * registry's locks), so then nobody else can be dropping one meanwhile.
 */
static int refs_drop(struct tmm_thread *t, int n)
{
	if (__atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) == n) {
		__atomic_store_n(&t->refs, 0, __ATOMIC_RELAXED);
		return 1;
	}
	return !__atomic_sub_fetch(&t->refs, n, __ATOMIC_ACQ_REL);
}

/* @sh locked: @t, its last reference dropped, goes back to the pool. */
static void pool_put_locked(struct shard *sh, struct tmm_thread *t)
{
	t->free_next = sh->pool;
	sh->pool = t;
}

/* Drops @n references; the last one sends the record back to its shard's pool. */
static void put_refs(struct tmm_thread *t, int n)
{
	struct shard *sh = &shards[t->shard];

	if (!refs_drop(t, n))
		return;
	tmm_spin_lock(&sh->lock);
	pool_put_locked(sh, t);
	tmm_spin_unlock(&sh->lock);
}

void tmm_thread_put(struct tmm_thread *t)
{
	put_refs(t, 1);
}

/* ---- the registry ---------------------------------------------------------- */

/* @sh locked. */
static void register_locked(struct shard *sh, struct tmm_thread *t)
{
	t->shard = (int)(sh - shards);
	t->all_prev = 0;
	t->all_next = sh->all;
	if (sh->all)
		sh->all->all_prev = t;
	sh->all = t;
	__atomic_store_n(&sh->live, sh->live + 1, __ATOMIC_RELAXED);
	if (!t->daemon && !t->is_main)
		__atomic_store_n(&sh->others, sh->others + 1, __ATOMIC_RELAXED);
}

void tmm_thread_register(struct tmm_thread *t)
{
	struct shard *sh = my_shard();

	tmm_spin_lock(&sh->lock);
	register_locked(sh, t);
	tmm_spin_unlock(&sh->lock);
}

/* tmm_thread_alloc and tmm_thread_register with one trip through the lock. */
static struct tmm_thread *thread_new(const struct tmm_attr *attr)
{
	struct shard *sh = my_shard();
	struct tmm_thread *t = record_take_lock(sh, attr);

	if (!t)
		return 0;
	register_locked(sh, t);
	tmm_spin_unlock(&sh->lock);
	snapshot_add(t);
	return t;
}

/* @sh, the shard @t is registered in, locked: out of the registry. */
static void unregister_locked(struct shard *sh, struct tmm_thread *t)
{
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		sh->all = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	__atomic_store_n(&sh->live, sh->live - 1, __ATOMIC_RELAXED);
}

static void unregister(struct tmm_thread *t)
{
	struct shard *sh = &shards[t->shard];

	tmm_spin_lock(&sh->lock);
	unregister_locked(sh, t);
	tmm_spin_unlock(&sh->lock);
}

/* Terminated, as its state says only once it is no longer live. */
static void leave_registry(struct tmm_thread *t)
{
	unregister(t);
	tmm_thread_set_state(t, TMM_TERMINATED);
}

/* ---- the end of a thread --------------------------------------------------- */

/* Each count read under its shard's lock (others_out_locked says why). */
size_t tmm_threads_waited(void)
{
	size_t n = 0;

	for (int i = 0; i < SHARDS; i++) {
		tmm_spin_lock(&shards[i].lock);
		n += shards[i].others;
		tmm_spin_unlock(&shards[i].lock);
	}
	return n;
}

/*
 * @sh locked: one thread less registered there for tmm_fini to wait for.
 * Returns 1 when that emptied the shard's count while tmm_fini waits: then
 * the caller, once it let go of the lock, calls fini_waiters.  tmm_fini sets
 * fini_waiting before it reads the counts, each under its shard's lock, so
 * either it reads this decrement or this reads its flag.  Only then are all
 * the counts added up: a thread created and joined again and again empties
 * its shard's count each time.
 */
static int others_out_locked(struct shard *sh)
{
	__atomic_store_n(&sh->others, sh->others - 1, __ATOMIC_RELAXED);
	return !sh->others && __atomic_load_n(&tmm_rt.fini_waiting, __ATOMIC_RELAXED);
}

/* tmm_fini's waiters if no thread is left for it to wait for; no shard lock held. */
static struct tmm_waiter *fini_waiters(void)
{
	struct tmm_waiter *w, *finis = 0;

	/* tmm_fini adds the counts up under this lock before it waits. */
	tmm_spin_lock(&tmm_rt.reg.lock);
	if (!tmm_threads_waited())
		while ((w = tmm_waitq_pop(&tmm_rt.reg))) {
			w->next = finis;
			finis = w;
		}
	tmm_spin_unlock(&tmm_rt.reg.lock);
	return finis;
}

/*
 * The thread's last steps, once it no longer runs on a tmm stack (user-level
 * threads: from the scheduler; 1:1: from its own kernel thread, after which
 * it touches nothing of the runtime's).  Its joiner was woken already
 * (tmm_thread_finish); what is left may not happen on its stack: tmm_fini
 * going on (it frees the stacks) and the record going back to the pool.
 */
void tmm_thread_terminated(struct tmm_thread *t)
{
	struct tmm_waiter *finis = 0;
	struct shard *sh = &shards[t->shard];
	int counted = !t->daemon && !t->is_main, last_ref, fini_may_go = 0;
	int locked = t->unregister_at_end;

	if (t->tls)
		tmm_tls_free(t);
	if (t->snap) {
		tmm_snapshot_thread_remove(t->snap);
		t->snap = 0;
	}
	/* Out of the registry first: then no new reference comes (refs_drop). */
	if (locked) {
		tmm_spin_lock(&sh->lock);
		unregister_locked(sh, t);
		tmm_thread_set_state(t, TMM_TERMINATED);
		t->unregister_at_end = 0;
	}
	/* With the joiner's, handed over with the result. */
	last_ref = refs_drop(t, t->joiner ? 2 : 1);
	/* One trip through the lock for all of it. */
	if (!locked && (counted || last_ref)) {
		tmm_spin_lock(&sh->lock);
		locked = 1;
	}
	if (locked) {
		if (counted)
			fini_may_go = others_out_locked(sh);
		if (last_ref)
			pool_put_locked(sh, t); /* the record may be reused from here on */
		tmm_spin_unlock(&sh->lock);
	}
	if (fini_may_go)
		finis = fini_waiters();

	/* Last: once tmm_fini may go on, nothing here touches the runtime. */
	while (finis) {
		struct tmm_waiter *next = finis->next; /* finis dies once woken */

		tmm_waiter_wake(finis);
		finis = next;
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

/*
 * Exit steps that run on the exiting thread's stack: its destructors, then
 * its end as others see it (no longer live, exited, its joiner woken).  The
 * joiner may run from here on, even before this thread switched away:
 * tmm_fini still waits for it and the record stays until
 * tmm_thread_terminated drops the thread's own reference.  Woken this early,
 * the joiner is the thread a user-level exit can switch straight to.
 *
 * The thread is out of the registry before anyone can see it exited, so no
 * longer live by the time a joiner returns.  With a plain joiner already
 * parked (who alone sees it exited, and only once woken) that the scheduler
 * runs only after the exit ended (hand_joiner), tmm_thread_terminated
 * unregisters it instead, in the trip through the shard's lock it makes
 * anyway: one locked instruction less per create+join.
 */
void tmm_thread_finish(struct tmm_thread *t)
{
	struct tmm_joiner *joiner;
	struct tmm_thread *woken = 0;
	int stays, late;

	if (t->tls) /* most threads never store thread-local data */
		tmm_tls_run_destructors(t);
	stays = __atomic_load_n(&t->joiner_stays, __ATOMIC_ACQUIRE);
	late = stays && tmm_rt.sched->hand_joiner;
	if (!late)
		leave_registry(t);
	/*
	 * A plain joiner parked: nothing but this exit changes what join_lock
	 * guards from now on (a second joiner or a detach only reads it, and
	 * fails), so once the joiner let go of the lock, its park committed,
	 * the lock is not needed.
	 */
	if (stays)
		tmm_spin_wait_free(&t->join_lock);
	else
		tmm_spin_lock(&t->join_lock);
	__atomic_store_n(&t->exited, 1, __ATOMIC_RELEASE);
	joiner = t->joiner;
	if (joiner) {
		woken = joiner->thread;
		joiner->retval = t->retval;
		if (joiner->timed)
			joiner->taken = 1;
	}
	if (!stays)
		tmm_spin_unlock(&t->join_lock);
	if (woken && joiner->timed) {
		/* A plain park with a timer (tmm_join_timeout): unpark, as a waitq does. */
		__atomic_store_n(&joiner->served, 1, __ATOMIC_RELEASE);
		tmm_unpark(woken);
	} else if (woken) {
		/*
		 * Its park (TMM_WAIT_JOIN) was committed under join_lock, before
		 * it let go of it, and nothing but this exit ends it: no park lock.
		 */
		tmm_thread_set_state(woken, TMM_RUNNABLE);
		if (late && tmm_rt.sched->hand_joiner(woken)) {
			t->unregister_at_end = 1;
			return;
		}
		if (late)
			leave_registry(t); /* before its joiner may run */
		tmm_rt.sched->wake(woken);
	}
}

void tmm_account_start_timed(struct tmm_thread *t, uint64_t now)
{
	t->run_since = now;
	tmm_snapshot_switched_in(t->snap, tmm_snapshot_kthread_self());
}

void tmm_account_start(struct tmm_thread *t)
{
	tmm_account_start_at(t, t->snap ? tmm_clock_ns() : 0);
}

uint64_t tmm_account_stop_timed(struct tmm_thread *t)
{
	uint64_t now = tmm_clock_ns();
	/* A start read on another CPU may be a hair ahead. */
	uint64_t ran = now > t->run_since ? now - t->run_since : 0;

	tmm_snapshot_switched_out(t->snap, tmm_state_of(t), ran);
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
	t = thread_new(attr);
	if (!t)
		return ENOMEM;
	t->fn = fn;
	t->arg = arg;
	*thread = t;
	err = tmm_rt.sched->spawn(t);
	if (err) {
		tmm_snapshot_thread_remove(t->snap);
		t->snap = 0;
		unregister(t);
		/* Never started: terminated at once, the owner's reference with it. */
		t->refs = 1;
		tmm_thread_terminated(t);
		*thread = 0;
	}
	return err;
}

/*
 * A thread that already exited is joined without parking.  Otherwise the
 * joiner parks until the exit hands it the result (tmm_thread_finish) and
 * never touches the record again: its reference goes with the exit.
 */
/*
 * What tmm_join and tmm_join_timeout check first.  Returns 0 with
 * t->join_lock held and t marked joined, -1 when t had already exited (then
 * joined without parking: its result in @joiner, the lock released), or an
 * error number with the lock released.
 */
static inline __attribute__((always_inline)) int
join_begin(struct tmm_thread *t, struct tmm_thread *self, struct tmm_joiner *joiner)
{
	if (!t || !tmm_rt.started)
		return EINVAL;
	if (t == self)
		return EDEADLK;
	if (!self)
		return EPERM;
	tmm_spin_lock(&t->join_lock);
	if (t->detached || t->joined || t->is_main) {
		tmm_spin_unlock(&t->join_lock);
		return EINVAL;
	}
	t->joined = 1;
	if (!t->exited)
		return 0;
	tmm_spin_unlock(&t->join_lock);
	joiner->retval = t->retval;
	tmm_thread_put(t);
	return -1;
}

TMM_API int tmm_join(tmm_thread_t *t, void **retval)
{
	struct tmm_thread *self = tmm_current();
	struct tmm_joiner joiner = {.thread = self};
	int rc = join_begin(t, self, &joiner);

	if (rc > 0)
		return rc;
	if (!rc) {
		/*
		 * One joiner at most, so no wait queue.  The scheduler's park
		 * straight away (tmm_park would only check again what is checked
		 * above), as a join: only the exit ends it (tmm_thread_finish),
		 * neither a permit nor tmm_unpark.
		 */
		t->joiner = &joiner;
		__atomic_store_n(&t->joiner_stays, 1, __ATOMIC_RELEASE);
		tmm_rt.sched->park(self, &t->join_lock, 0, TMM_WAIT_JOIN);
	}
	if (retval)
		*retval = joiner.retval;
	return 0;
}

/*
 * tmm_join with a deadline: the joiner parks as any timed wait does (a
 * plain park with a timer, which tmm_unpark or the timer ends), and the exit
 * unparks it once the result is in @joiner.  A joiner that gives up leaves
 * unless the exit took it already, in which case it waits for that exit's
 * unpark (a moment) and is served; the thread stays joinable otherwise.
 */
TMM_API int tmm_join_timeout(tmm_thread_t *t, void **retval, uint64_t timeout_ns)
{
	struct tmm_thread *self = tmm_current();
	struct tmm_joiner joiner = {.thread = self, .timed = 1};
	uint64_t deadline;
	int rc = join_begin(t, self, &joiner);

	if (rc > 0)
		return rc;
	if (!rc) {
		if (!timeout_ns) {
			t->joined = 0;
			tmm_spin_unlock(&t->join_lock);
			return ETIMEDOUT;
		}
		t->joiner = &joiner;
		deadline = tmm_deadline(timeout_ns);
		rc = tmm_park(&t->join_lock, deadline);
		/* A stray permit ends a park early: only the exit's unpark serves. */
		while (!rc && !__atomic_load_n(&joiner.served, __ATOMIC_ACQUIRE))
			rc = tmm_park(0, deadline);
		if (!__atomic_load_n(&joiner.served, __ATOMIC_ACQUIRE)) {
			tmm_spin_lock(&t->join_lock);
			if (!joiner.taken) {
				t->joiner = 0;
				t->joined = 0;
				tmm_spin_unlock(&t->join_lock);
				return rc; /* ETIMEDOUT, or the park's own error */
			}
			tmm_spin_unlock(&t->join_lock);
			while (!__atomic_load_n(&joiner.served, __ATOMIC_ACQUIRE))
				tmm_park(0, 0);
		}
	}
	if (retval)
		*retval = joiner.retval;
	return 0;
}

TMM_API int tmm_detach(tmm_thread_t *t)
{
	if (!t || !tmm_rt.started)
		return EINVAL;
	tmm_spin_lock(&t->join_lock);
	if (t->detached || t->joined || t->is_main) {
		tmm_spin_unlock(&t->join_lock);
		return EINVAL;
	}
	t->detached = 1;
	tmm_spin_unlock(&t->join_lock);
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

/*
 * A default name is written the first time someone asks for it rather than
 * at every create (a tenth of a create+join went to it); join_lock keeps two
 * first askers from writing it at once.
 */
TMM_API const char *tmm_thread_name(const tmm_thread_t *thread)
{
	struct tmm_thread *t = (struct tmm_thread *)thread;

	if (!t)
		return 0;
	if (!__atomic_load_n(&t->named, __ATOMIC_ACQUIRE)) {
		tmm_spin_lock(&t->join_lock);
		if (!t->named) {
			tmm_default_name(t->name, t->id);
			__atomic_store_n(&t->named, 1, __ATOMIC_RELEASE);
		}
		tmm_spin_unlock(&t->join_lock);
	}
	return t->name;
}

TMM_API enum tmm_state tmm_thread_state(const tmm_thread_t *t)
{
	if (!t)
		return TMM_TERMINATED;
	return (enum tmm_state)__atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
}

TMM_API size_t tmm_active_count(void)
{
	size_t n = 0;

	if (!tmm_rt.started)
		return 0;
	for (int i = 0; i < SHARDS; i++)
		n += __atomic_load_n(&shards[i].live, __ATOMIC_RELAXED);
	return n;
}

static void lock_all_shards(void)
{
	for (int i = 0; i < SHARDS; i++)
		tmm_spin_lock(&shards[i].lock);
}

static void unlock_all_shards(void)
{
	for (int i = SHARDS - 1; i >= 0; i--)
		tmm_spin_unlock(&shards[i].lock);
}

/*
 * The live threads, each with a reference taken, in @*snap (malloc'ed, the
 * count in @*n).  Every shard is locked at once, so the set is one moment's;
 * the array is sized before the locks are taken (no malloc under spin
 * locks), and again if threads came meanwhile.
 */
static int take_live(struct tmm_thread ***snap, size_t *n)
{
	size_t room = tmm_active_count() + 16;

	for (;;) {
		struct tmm_thread **all = malloc(room * sizeof(*all)), *t;
		size_t live = 0, i = 0;

		if (!all)
			return ENOMEM;
		lock_all_shards();
		for (int s = 0; s < SHARDS; s++)
			live += shards[s].live;
		if (live <= room) {
			for (int s = 0; s < SHARDS; s++)
				for (t = shards[s].all; t; t = t->all_next) {
					__atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);
					all[i++] = t;
				}
			unlock_all_shards();
			*snap = all;
			*n = i;
			return 0;
		}
		unlock_all_shards();
		free(all);
		room = live + 16;
	}
}

/* Takes the live threads with a reference each, calls back without a lock. */
TMM_API int tmm_enumerate(int (*fn)(tmm_thread_t *thread, void *arg), void *arg)
{
	struct tmm_thread **snap;
	size_t n, i;
	int err;

	if (!fn || !tmm_rt.started)
		return EINVAL;
	err = take_live(&snap, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (fn(snap[i], arg))
			break;
	for (i = 0; i < n; i++)
		put_refs(snap[i], 1);
	free(snap);
	return 0;
}

/*
 * At tmm_fini, after the scheduler stopped: the threads still registered are
 * daemons.  With @keep_running they may still run (1:1 kernel threads, or a
 * worker that did not stop) and are left alone, reachable; otherwise they
 * are freed with their stacks.  The pools are freed either way, and the
 * shards start afresh for the next tmm_init.
 */
static struct tmm_thread *abandoned;

void tmm_threads_fini(int keep_running)
{
	struct tmm_thread *t, *next;

	lock_all_shards();
	for (int s = 0; s < SHARDS; s++) {
		struct shard *sh = &shards[s];

		for (t = sh->all; t; t = next) {
			next = t->all_next;
			if (keep_running && !t->is_main) {
				/* The snapshot goes away: a late store must not reach the next one.
				 */
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
		while ((t = sh->pool)) {
			sh->pool = t->free_next;
			free(t);
		}
		sh->all = 0;
		sh->live = 0;
		sh->others = 0;
		sh->ids_left = 0;
	}
	unlock_all_shards();
}
