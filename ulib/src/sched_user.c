/*
 * sched_user.c — the user-level scheduling engine behind M:1 and M:N.
 *
 * Concepts (after Go's runtime/proc.go, whose G, M and P they mirror):
 *
 *   thread   a tmm thread (G): a stack, a saved context, a request.
 *   worker   a kernel thread (M) running tmm threads.  Each worker has a
 *            scheduler context, g0: the first worker (the kernel thread that
 *            called tmm_init) gets a stack for it, the others use their
 *            pthread stack.  A thread that parks, yields or exits switches
 *            straight to the next thread of its processor's queue when there
 *            is one (registers only, no kernel entry; context.h), else to
 *            g0, which looks further (timers, I/O, the global queue,
 *            stealing) or idles; every GLOBAL_QUEUE_EVERY switches go
 *            through g0 so it does that regularly.
 *   switch   what cannot be done on the stack being left (queueing a
 *            yielding thread the queue did not take yet, freeing an exiting
 *            thread's stack) the context that runs next on the worker does
 *            (finish_switch), as Linux's finish_task_switch does.  A park is
 *            committed by the thread itself before it switches, so a wake-up
 *            may queue it while it is still on its stack: its on_cpu flag
 *            keeps any worker from resuming it until the switch completed.
 *   errno    the thread's own, as under NPTL: switch_away saves the kernel
 *            thread's into the thread's record, the switch into a thread
 *            (thread_resumed) writes it back, on whichever worker it resumes.
 *   proc     a processor (P): the right to run threads, with a run queue
 *            (new threads on a stack, yields and wake-ups in a FIFO; see
 *            "run queues" below).  There are nprocs of them (1 under M:1, TMM_KTHREADS
 *            under M:N), so at most nprocs workers run threads at a time.
 *
 * Picking: expired timers first (their threads join the run queue), then
 * every 61st pick the global queue and the local FIFO (so neither is
 * starved), the local queue, the global queue, and last stealing half of
 * another processor's queue, but not its one queued thread while its owner
 * keeps switching (lone_thread_stealable).  A worker with nothing to run
 * sleeps on a futex, no longer than the nearest timer; making a thread
 * runnable wakes an idle worker (its own processor's first, for locality,
 * else any, which will steal), but not for a lone created thread once idle
 * workers found such threads run by their owners (lone_left_to_owner).  The
 * idle wait is one function (worker_idle): an I/O poller plugs in there by
 * waiting in epoll_wait with the same timeout and an eventfd in place of the
 * futex.
 * A yield with nothing else queued on its processor (nor globally) returns
 * at once, like sched_yield.  Under M:1 nobody else touches the processor's
 * queue, so it goes without its lock.
 *
 * Binding (tmm_bind_processor): a thread bound to a processor is queued in
 * its FIFO by whoever makes it runnable, never on the waker's processor,
 * never on a stack or in the slot a thief may take unchecked, and no thief
 * takes it; bound_len counts the FIFO's bound threads so that thieves and
 * idle workers see what they may take.
 *
 * Timers: one heap (timer.c) shared by all workers; whichever worker
 * schedules next runs what expired.
 *
 * A worker whose thread blocks in a raw system call keeps its processor; under
 * M:N a monitor (sched_mn.c) notices and hands the processor to a spare
 * worker.  The processor's status word names its owner, so a worker coming
 * back from the system call finds out with one failed compare-and-swap, puts
 * its thread on the global queue and becomes a spare itself.
 *
 * Rejected: ucontext (swapcontext saves the signal mask with a system call
 * per switch); one global run queue (every pick contends on one lock);
 * per-worker timer heaps (a worker stuck in a system call would sit on its
 * timers; one heap lets any worker fire them); spinning idle workers (burn a
 * CPU the machine may need); always switching through g0 (simple, since
 * the next context never has anything to finish, but two switches each
 * time); lock-free Chase-Lev deques (an owner's pop still needs a fence,
 * which on x86 costs what the lock does; the owner's slots, fenced on the
 * thief's side with membarrier, remove it where it mattered: the lock made
 * an M:N yield 15 to 40% slower than an M:1 one).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "clock.h"
#include "futex.h"
#include "membarrier.h"
#include "poller.h"
#include "sched_user.h"
#include "snapshot.h"

#define GLOBAL_QUEUE_EVERY 61
#define G0_STACK_SIZE (256u * 1024)
/* How long an idle M:N worker keeps looking for work before it sleeps. */
#define SPIN_NS 50000u
/*
 * Its looks that far apart: each reads the cache lines other workers write
 * at every switch, and then costs them a miss (looks every 400 ns made an
 * M:N create+join on two kernel threads half again as slow as on one).  In
 * between it watches its own queue's length, which only a worker queueing
 * there writes: otherwise a thread bound to it and woken from another worker
 * (a mutex handed across) would wait up to a whole SPIN_LOOK_NS, which made
 * such a handoff 16 times as slow (tools/bench, relay).
 */
#define SPIN_LOOK_NS 2000u
/* How long a processor's lone queued thread is left to its owner (lone_thread_stealable). */
#define STEAL_GRACE_NS 3000u

struct tmm_user_sched tmm_us;
void (*tmm_monitor_kick)(void);
void (*tmm_monitor_stop)(void);

static __thread struct tmm_worker *tls_worker __attribute__((tls_model("initial-exec")));

/* Not inlined nor analysed: a thread may resume on another kernel thread. */
__attribute__((noinline, noipa)) static struct tmm_worker *current_worker(void)
{
	return tls_worker;
}

/* tmm_current() then reads w->cur, which every switch sets anyway. */
__attribute__((noinline, noipa)) static void set_current_worker(struct tmm_worker *w)
{
	if (w)
		w->errno_loc = &errno;
	tls_worker = w;
	tmm_set_current_slot(w ? &w->cur : 0);
}

/* ---- run queues ---------------------------------------------------------------- */

static void fifo_push(struct tmm_thread **head, struct tmm_thread **tail, struct tmm_thread *t)
{
	t->rq_next = 0;
	if (*tail)
		(*tail)->rq_next = t;
	else
		*head = t;
	*tail = t;
}

static struct tmm_thread *fifo_pop(struct tmm_thread **head, struct tmm_thread **tail)
{
	struct tmm_thread *t = *head;

	if (t) {
		*head = t->rq_next;
		if (!*head)
			*tail = 0;
		t->rq_next = 0;
	}
	return t;
}

/*
 * A processor's queue has two parts.  Created threads, and threads woken by
 * a thread that exits (its joiner), go on a stack the owner takes from first,
 * so a fork-join tree runs depth first (the thread being joined is the
 * newest; few threads live at once, their stacks warm), as in Cilk; thieves
 * take from its bottom, the oldest threads (in such a tree the biggest
 * subtrees).  Yields and other wake-ups go to a FIFO, so threads that yield
 * take strict turns.  g0's periodic pick takes from the FIFO first, so
 * threads that keep creating and joining cannot starve the others.
 *
 * Under M:1 only the one worker touches its processor's queue (a thread tmm
 * did not create makes threads runnable through the global queue), so the
 * queue needs neither its lock nor ordered stores there.  Under M:N the
 * stack's top and the FIFO's last place are slots only the owner touches,
 * without the lock (below): a create+join, and two threads yielding to each
 * other, take no lock.
 */
static void stack_push(struct tmm_proc *p, struct tmm_thread *t)
{
	t->rq_prev = 0;
	t->rq_next = p->top;
	if (p->top)
		p->top->rq_prev = t;
	else
		p->bottom = t;
	p->top = t;
}

static struct tmm_thread *stack_pop(struct tmm_proc *p)
{
	struct tmm_thread *t = p->top;

	if (t) {
		p->top = t->rq_next;
		if (p->top)
			p->top->rq_prev = 0;
		else
			p->bottom = 0;
		t->rq_next = 0;
	}
	return t;
}

static struct tmm_thread *stack_pop_bottom(struct tmm_proc *p)
{
	struct tmm_thread *t = p->bottom;

	if (t) {
		p->bottom = t->rq_prev;
		if (p->bottom)
			p->bottom->rq_next = 0;
		else
			p->top = 0;
		t->rq_prev = 0;
	}
	return t;
}

/*
 * A processor's FIFO, which also holds the threads bound to it (and no
 * other processor's): bound_len counts them, so thieves know how much of
 * the queue they may take.  A thread's binding changes only while it runs,
 * never while it is queued.
 */
static void rq_push(struct tmm_proc *p, struct tmm_thread *t)
{
	fifo_push(&p->head, &p->tail, t);
	if (t->bound)
		__atomic_store_n(&p->bound_len, p->bound_len + 1, __ATOMIC_RELAXED);
}

static struct tmm_thread *rq_pop(struct tmm_proc *p)
{
	struct tmm_thread *t = fifo_pop(&p->head, &p->tail);

	if (t && t->bound)
		__atomic_store_n(&p->bound_len, p->bound_len - 1, __ATOMIC_RELAXED);
	return t;
}

/* p->lock held.  The FIFO's first thread that is not bound, for a thief. */
static struct tmm_thread *rq_pop_unbound(struct tmm_proc *p)
{
	struct tmm_thread *t, *prev = 0;

	if (!p->bound_len)
		return fifo_pop(&p->head, &p->tail);
	for (t = p->head; t && t->bound; t = t->rq_next)
		prev = t;
	if (!t)
		return 0;
	if (prev)
		prev->rq_next = t->rq_next;
	else
		p->head = t->rq_next;
	if (p->tail == t)
		p->tail = prev;
	t->rq_next = 0;
	return t;
}

/* How many of @p's queued threads a thief may take (a hint, without the lock). */
static unsigned long unbound_len(struct tmm_proc *p)
{
	unsigned int len = __atomic_load_n(&p->len, __ATOMIC_ACQUIRE);
	unsigned int bound = len ? __atomic_load_n(&p->bound_len, __ATOMIC_RELAXED) : 0;

	return len > bound ? len - bound : 0;
}

/* Out of line: M:1's queue operations then save no registers for the spinning. */
__attribute__((noinline)) static void queue_lock_shared(struct tmm_proc *p)
{
	tmm_spin_lock(&p->lock);
}

static void queue_lock(struct tmm_proc *p)
{
	if (tmm_us.shared)
		queue_lock_shared(p);
}

static void queue_unlock(struct tmm_proc *p)
{
	if (tmm_us.shared)
		tmm_spin_unlock(&p->lock);
}

/*
 * The owner's slots: @next, the stack's top (the thread a create or an exit
 * just readied, which in a create+join is the only one queued), and @last,
 * the FIFO's last place (a yield that leaves nothing else queued puts the
 * yielding thread there, so two threads yielding to each other trade places
 * through it).  Only the processor's owner uses them, in a slot section
 * (slot_enter), without the queue's lock: a create+join and a yield between
 * two threads take no lock at all.  Under M:N the rare others that must
 * reach them (a thief taking the lone thread there, the monitor handing the
 * processor to another worker) first keep the owner out with slot_fence,
 * whose membarrier stands in for the fence the owner's section would
 * otherwise need (membarrier.h).  Without membarrier the slots stay empty
 * and the queue takes everything, under its lock.
 */
static inline __attribute__((always_inline)) int slot_enter(struct tmm_worker *w,
							    struct tmm_proc *p)
{
	if (!tmm_us.shared)
		return 1;
	if (!tmm_us.slot_ok)
		return 0;
	__atomic_store_n(&p->slot_busy, 1, __ATOMIC_RELAXED);
	/* No fence: slot_fence's membarrier orders this store with its reads. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&p->slot_fence, __ATOMIC_ACQUIRE) &&
	    __atomic_load_n(&p->status, __ATOMIC_RELAXED) >> 2 == w->id)
		return 1;
	__atomic_store_n(&p->slot_busy, 0, __ATOMIC_RELEASE);
	return 0;
}

static void slot_leave(struct tmm_proc *p, int entered)
{
	if (entered && tmm_us.shared)
		__atomic_store_n(&p->slot_busy, 0, __ATOMIC_RELEASE);
}

/*
 * Under M:N with the slots in use: waits until @p's owner is out of its slot
 * section and keeps it out (its slot_enter fails) until slot_unfence.  The
 * owner may wait for the queue's lock inside a section, so this must not be
 * called with that lock held.  Several may fence at once: it is a count.
 */
static void slot_fence(struct tmm_proc *p)
{
	unsigned int spins = 0;

	__atomic_fetch_add(&p->slot_fence, 1, __ATOMIC_SEQ_CST);
	tmm_membarrier();
	while (__atomic_load_n(&p->slot_busy, __ATOMIC_ACQUIRE))
		tmm_spin_wait(&spins);
}

static void slot_unfence(struct tmm_proc *p)
{
	__atomic_fetch_sub(&p->slot_fence, 1, __ATOMIC_RELEASE);
}

/* How many threads the slots hold, as a hint: only a slot section may act on them. */
static unsigned long slots_taken(struct tmm_proc *p)
{
	return (unsigned long)(__atomic_load_n(&p->next, __ATOMIC_RELAXED) != 0) +
	       (__atomic_load_n(&p->last, __ATOMIC_RELAXED) != 0);
}

/* In a slot section: empties @slot, returning what it held. */
static struct tmm_thread *slot_take(struct tmm_thread **slot)
{
	struct tmm_thread *t = __atomic_load_n(slot, __ATOMIC_RELAXED);

	if (t)
		__atomic_store_n(slot, 0, __ATOMIC_RELAXED);
	return t;
}

static void slot_put(struct tmm_thread **slot, struct tmm_thread *t)
{
	__atomic_store_n(slot, t, __ATOMIC_RELAXED);
}

/*
 * @t on top of @p's stack (@top: in @next, the one there before moving onto
 * the stack), or at the FIFO's end, behind the thread in @last.
 */
static void proc_push(struct tmm_worker *w, struct tmm_proc *p, struct tmm_thread *t, int top)
{
	struct tmm_thread *last = 0;
	int in_slot = 0;

	if (top && (in_slot = slot_enter(w, p))) {
		struct tmm_thread *older = slot_take(&p->next);

		slot_put(&p->next, t);
		slot_leave(p, in_slot);
		if (!older)
			return;
		t = older;
		in_slot = 0;
	} else if (!top && __atomic_load_n(&p->last, __ATOMIC_RELAXED) &&
		   (in_slot = slot_enter(w, p))) {
		last = slot_take(&p->last);
	}
	queue_lock(p);
	if (top) {
		stack_push(p, t);
	} else {
		if (last)
			rq_push(p, last);
		rq_push(p, t);
	}
	/* An idle worker reads it under the lock before it sleeps (queued_work). */
	__atomic_store_n(&p->len, p->len + 1 + !!last, __ATOMIC_RELAXED);
	queue_unlock(p);
	slot_leave(p, in_slot);
}

/* p->lock held (M:N).  The stack's top, else the FIFO's head. */
static struct tmm_thread *queue_take(struct tmm_proc *p)
{
	struct tmm_thread *t = stack_pop(p);

	return t ? t : rq_pop(p);
}

/* The thread in @slot, if the caller may take it. */
static struct tmm_thread *slot_pop(struct tmm_worker *w, struct tmm_proc *p,
				   struct tmm_thread **slot)
{
	struct tmm_thread *t = 0;
	int in_slot;

	if (__atomic_load_n(slot, __ATOMIC_RELAXED) && (in_slot = slot_enter(w, p))) {
		t = slot_take(slot);
		slot_leave(p, in_slot);
	}
	return t;
}

/*
 * The owner's pick: @next, the stack, the FIFO, @last; with @fair the FIFO
 * and @last first.
 */
static struct tmm_thread *proc_pop(struct tmm_worker *w, struct tmm_proc *p, int fair)
{
	struct tmm_thread *t;

	if (!fair && (t = slot_pop(w, p, &p->next)))
		return t;
	if (__atomic_load_n(&p->len, __ATOMIC_ACQUIRE)) {
		queue_lock(p);
		t = fair ? rq_pop(p) : queue_take(p);
		if (t)
			__atomic_store_n(&p->len, p->len - 1, __ATOMIC_RELAXED);
		queue_unlock(p);
		if (t)
			return t;
	}
	if ((t = slot_pop(w, p, &p->last)))
		return t;
	return fair ? proc_pop(w, p, 0) : 0;
}

/*
 * Takes the thread to run next (as proc_pop) and queues @self behind
 * everything else, in one go; NULL (and @self not queued) when nothing else
 * is queued.  With nothing else left queued, @self goes to @last: two
 * threads yielding to each other then trade places there without the lock.
 * The number queued does not change, so no idle worker needs waking.
 */
static struct tmm_thread *proc_swap(struct tmm_worker *w, struct tmm_proc *p,
				    struct tmm_thread *self)
{
	int in_slot = slot_enter(w, p);
	struct tmm_thread *t = in_slot ? slot_take(&p->next) : 0;
	struct tmm_thread *last = in_slot ? __atomic_load_n(&p->last, __ATOMIC_RELAXED) : 0;
	unsigned long len;

	if (!__atomic_load_n(&p->len, __ATOMIC_ACQUIRE) && !(t && last)) {
		/* Nothing queued but one slot's thread, if any: trade places. */
		if (!t)
			t = last;
		if (t)
			slot_put(&p->last, self);
		slot_leave(p, in_slot);
		return t;
	}
	queue_lock(p);
	len = p->len;
	if (!t && (t = queue_take(p)))
		len--;
	if (t) {
		if (last) { /* it yielded before @self: its turn comes first */
			rq_push(p, last);
			slot_put(&p->last, 0);
			len++;
		}
		if (in_slot && !len) {
			slot_put(&p->last, self);
		} else {
			rq_push(p, self);
			len++;
		}
	} else if (last) { /* a thief emptied the queue meanwhile */
		t = last;
		slot_put(&p->last, self);
	}
	__atomic_store_n(&p->len, len, __ATOMIC_RELAXED);
	queue_unlock(p);
	slot_leave(p, in_slot);
	return t;
}

static void global_push(struct tmm_thread *t)
{
	tmm_spin_lock(&tmm_us.global_lock);
	fifo_push(&tmm_us.global_head, &tmm_us.global_tail, t);
	__atomic_store_n(&tmm_us.global_len, tmm_us.global_len + 1, __ATOMIC_SEQ_CST);
	tmm_spin_unlock(&tmm_us.global_lock);
}

static struct tmm_thread *global_pop(void)
{
	struct tmm_thread *t;

	if (!__atomic_load_n(&tmm_us.global_len, __ATOMIC_ACQUIRE))
		return 0;
	tmm_spin_lock(&tmm_us.global_lock);
	t = fifo_pop(&tmm_us.global_head, &tmm_us.global_tail);
	if (t)
		__atomic_store_n(&tmm_us.global_len, tmm_us.global_len - 1, __ATOMIC_RELAXED);
	tmm_spin_unlock(&tmm_us.global_lock);
	return t;
}

/*
 * Whether @p's owner is idle (or @p has none).  A thread can be queued on
 * a processor whose owner sleeps: by a thread still running on the worker
 * the monitor took the processor from, which pushes to it until it next
 * switches.  Then the owner is woken, unless a worker spins (wake_idle),
 * and that one must take the thread even if it is the only one.
 */
static int owner_idle(struct tmm_proc *p)
{
	struct tmm_worker *owner = __atomic_load_n(&p->owner, __ATOMIC_ACQUIRE);

	return !owner || __atomic_load_n(&owner->sleeping, __ATOMIC_SEQ_CST);
}

/*
 * A processor's one queued thread is left to its owner while the owner keeps
 * switching (Go's runnext): a thread that creates a thread and joins it runs
 * it next itself, and stealing it would only move both across CPUs, the
 * joiner's wake-up with them.  Thief @w takes it once it saw that same
 * thread wait there, and the owner's tick stand still, for STEAL_GRACE_NS
 * (the owner runs something long, or is stuck in a system call), and at
 * once when the owner is idle.  The same thread: a thread that creates
 * threads in a loop without switching puts a new one in the slot at each
 * create, which pushes the one before into the queue, where thieves take it
 * under the queue's lock; taking each from the slot instead cost a
 * membarrier (an interrupt of the owner's CPU) per thread, a quarter of
 * the CPU time of creating a million threads.
 */
static int lone_thread_stealable(struct tmm_worker *w, struct tmm_proc *victim)
{
	struct tmm_thread *lone;
	uint64_t tick, now;

	if (owner_idle(victim))
		return 1;
	tick = __atomic_load_n(&victim->tick, __ATOMIC_ACQUIRE);
	lone = __atomic_load_n(&victim->next, __ATOMIC_RELAXED);
	if (!lone)
		lone = __atomic_load_n(&victim->last, __ATOMIC_RELAXED);
	now = tmm_clock_ns();

	if (w->grace_proc != victim || w->grace_tick != tick || w->grace_lone != lone) {
		w->grace_proc = victim;
		w->grace_tick = tick;
		w->grace_lone = lone;
		w->grace_since = now;
	}
	if (now - w->grace_since >= STEAL_GRACE_NS)
		return 1;
	w->saw_lone = 1;
	return 0;
}

/*
 * Whether waking an idle worker for a lone thread is futile: set when a
 * spinning worker gave up having seen only lone threads that their owners ran
 * before the grace let it take them (a create+join loop: each wake-up cost the
 * creator a futex system call, and made its create+join a quarter slower
 * on two kernel threads than on one), cleared when a thief takes work.
 */
static void lone_wakes_note(int futile)
{
	if (__atomic_load_n(&tmm_us.lone_wakes_futile, __ATOMIC_RELAXED) != futile)
		__atomic_store_n(&tmm_us.lone_wakes_futile, futile, __ATOMIC_RELAXED);
}

/* Fenced: the thread in @slot, unless it is bound (another thief may race us for it). */
static struct tmm_thread *steal_from_slot(struct tmm_thread **slot)
{
	struct tmm_thread *t = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (!t || t->bound ||
	    !__atomic_compare_exchange_n(slot, &t, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return 0;
	return t;
}

/* A thread in @victim's slots, taken from its owner's hands (slot_fence). */
static struct tmm_thread *steal_slot(struct tmm_proc *victim)
{
	struct tmm_thread *t;

	slot_fence(victim);
	/* Other thieves may have fenced too: one of them gets each thread. */
	t = steal_from_slot(&victim->next);
	if (!t)
		t = steal_from_slot(&victim->last);
	slot_unfence(victim);
	return t;
}

/*
 * Moves half of @victim's queue (at least one), the bottom of its stack
 * first, to @w's processor @p; returns the first taken to run.  Only one
 * queue lock is held at a time: two workers stealing from each other must
 * not wait for each other's lock.  The slots' threads are taken only when
 * nothing else is queued.
 */
static struct tmm_thread *steal_from(struct tmm_worker *w, struct tmm_proc *p,
				     struct tmm_proc *victim)
{
	struct tmm_thread *first, *head = 0, *tail = 0, *t;
	unsigned long n, taken = 0, len = unbound_len(victim);
	unsigned long slotted = slots_taken(victim);

	if ((!len && !slotted) || (len + slotted == 1 && !lone_thread_stealable(w, victim)))
		return 0;
	if (!len)
		return steal_slot(victim);
	if (!tmm_spin_trylock(&victim->lock))
		return 0;
	n = (victim->len - victim->bound_len + 1) / 2;
	while (taken < n && ((t = stack_pop_bottom(victim)) || (t = rq_pop_unbound(victim)))) {
		fifo_push(&head, &tail, t);
		taken++;
	}
	__atomic_store_n(&victim->len, victim->len - taken, __ATOMIC_RELAXED);
	tmm_spin_unlock(&victim->lock);
	first = fifo_pop(&head, &tail);
	while ((t = fifo_pop(&head, &tail)))
		proc_push(w, p, t, 0);
	return first;
}

static struct tmm_thread *steal(struct tmm_worker *w, struct tmm_proc *p)
{
	unsigned int i, start = (unsigned int)(p->tick % tmm_us.nprocs);

	for (i = 0; i < tmm_us.nprocs; i++) {
		struct tmm_proc *victim = &tmm_us.procs[(start + i) % tmm_us.nprocs];
		struct tmm_thread *t;

		if (victim != p && (t = steal_from(w, p, victim))) {
			lone_wakes_note(0);
			return t;
		}
	}
	return 0;
}

/* Whether threads wait in another processor's queue than @p's. */
static int stealable(struct tmm_proc *p)
{
	unsigned int i;

	for (i = 0; i < tmm_us.nprocs; i++)
		if (&tmm_us.procs[i] != p &&
		    (unbound_len(&tmm_us.procs[i]) || slots_taken(&tmm_us.procs[i])))
			return 1;
	return 0;
}

/* ---- waking workers ------------------------------------------------------------ */

void tmm_worker_wake(struct tmm_worker *w)
{
	__atomic_store_n(&w->wake, 1, __ATOMIC_SEQ_CST);
	tmm_futex_wake(&w->wake, 1);
	tmm_poller_kick(w); /* it may be idle in epoll_wait instead */
}

/* Claims an idle worker's wake-up; only one waker gets it. */
static int claim_sleeper(struct tmm_worker *w)
{
	int one = 1;

	if (!w || !__atomic_compare_exchange_n(&w->sleeping, &one, 0, 0, __ATOMIC_SEQ_CST,
					       __ATOMIC_RELAXED))
		return 0;
	__atomic_fetch_sub(&tmm_us.nsleeping, 1, __ATOMIC_SEQ_CST);
	tmm_worker_wake(w);
	return 1;
}

/*
 * Work arrived on @p (NULL: the global queue): wake an idle worker if any.
 * No fence here (on x86 one cost as much as the rest of a wake): a worker
 * going idle announces itself, then looks at the run queues under their
 * locks (queued_work), so a push onto one is ordered with it by the lock;
 * other callers made their work visible with a sequentially consistent store
 * or read-modify-write.
 */
static void wake_idle(struct tmm_proc *p)
{
	unsigned int i;

	/* A spinning worker looks at the queues again before it sleeps (spin_for_work). */
	if (!__atomic_load_n(&tmm_us.nsleeping, __ATOMIC_SEQ_CST) ||
	    __atomic_load_n(&tmm_us.nspinning, __ATOMIC_SEQ_CST))
		return;
	if (p && claim_sleeper(__atomic_load_n(&p->owner, __ATOMIC_ACQUIRE)))
		return;
	for (i = 0; i < tmm_us.nprocs; i++)
		if (claim_sleeper(__atomic_load_n(&tmm_us.procs[i].owner, __ATOMIC_ACQUIRE)))
			return;
}

/*
 * @t, bound to @p, queued there by a thread on another processor (or on
 * none): at the FIFO's end, under the lock, and @p's owner woken if idle.
 * Only M:N binds (tmm_user_bind), so the queue has its lock.
 */
static void bound_push(struct tmm_proc *p, struct tmm_thread *t)
{
	queue_lock(p);
	rq_push(p, t);
	__atomic_store_n(&p->len, p->len + 1, __ATOMIC_RELAXED);
	queue_unlock(p);
	claim_sleeper(__atomic_load_n(&p->owner, __ATOMIC_ACQUIRE));
}

/*
 * Whether the thread just put on top of @p (@top) is its only one, in its
 * owner's slot, and idle workers woken for such threads found them run by
 * their owners (lone_wakes_note): then nobody is woken.  Should the owner go
 * on running something long or block instead, the monitor wakes an idle
 * worker once the thread has waited HANDOFF_AFTER behind it (sched_mn.c).
 */
static int lone_left_to_owner(struct tmm_proc *p, int top)
{
	return top && p && __atomic_load_n(&tmm_us.lone_wakes_futile, __ATOMIC_RELAXED) &&
	       !unbound_len(p);
}

/*
 * Makes @t runnable: its processor's queue if it is bound to one, else the
 * caller's processor's queue if it has one (on top with @top), else the
 * global one.
 */
static void make_ready(struct tmm_thread *t, int top)
{
	struct tmm_worker *w = current_worker(), *home = t->home;
	struct tmm_proc *p = w ? __atomic_load_n(&w->proc, __ATOMIC_ACQUIRE) : 0;

	if (tmm_state_of(t) != TMM_NEW)
		tmm_thread_set_state(t, TMM_RUNNABLE);
	if (home) {
		/* From here t may run and clear its home: read it once, before. */
		__atomic_store_n(&home->handback, t, __ATOMIC_SEQ_CST);
		tmm_worker_wake(home);
		return;
	}
	if (__builtin_expect(t->bound != 0, 0)) {
		struct tmm_proc *bound = &tmm_us.procs[t->bound - 1];

		if (bound != p) {
			bound_push(bound, t);
			return;
		}
		top = 0; /* not on the stack nor in @next, where thieves take without looking */
	}
	if (p)
		proc_push(w, p, t, top);
	else
		global_push(t);
	/*
	 * Under M:1 a worker calling here is the only one: nobody else to wake.
	 * (Under M:N even with one processor the caller's may have been handed
	 * to another worker, which may be asleep.)
	 */
	if (!(w && !tmm_monitor_kick) && !lone_left_to_owner(p, top))
		wake_idle(p);
}

/* ---- the scheduler loop (on g0) ---------------------------------------------- */

static int arm_timer(struct tmm_thread *t, uint64_t deadline)
{
	int earliest = 0, err = tmm_timers_add(&tmm_user_timers, t, deadline, &earliest);

	/* An idle worker may be sleeping until a later deadline: let it recompute. */
	if (!err && earliest) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		wake_idle(0);
	}
	return err;
}

/*
 * Finishes the switch away of @prev, which ran on @w until a moment ago: from
 * the context that runs next there (g0, a thread resuming, a thread starting),
 * once nothing runs on @prev's stack any more.  The request is read before
 * on_cpu is cleared: from then on another worker may run a queued @prev.
 */
static void finish_switch(struct tmm_worker *w, struct tmm_thread *prev)
{
	int req = prev->request;

	if (req == TMM_REQ_EXIT) {
		if (prev->stack)
			tmm_stack_put(prev->stack);
		prev->stack = 0;
		prev->guard_lo = prev->guard_hi = 0;
		tmm_thread_terminated(prev);
		if (w->joiner) {
			/* Handed to an exit that went through g0 (switch_away). */
			make_ready(w->joiner, 1);
			w->joiner = 0;
		}
		return;
	}
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	if (req == TMM_REQ_HOME)
		prev->home = tmm_us.first;
	if (req == TMM_REQ_YIELD || req == TMM_REQ_HOME || req == TMM_REQ_MOVE)
		make_ready(prev, 0); /* in no queue yet: nobody else can run it */
}

/*
 * The common case of finish_switch inline: a thread that yielded to a queued
 * one or parked has nothing left to finish but on_cpu.
 */
static inline void finish_switch_fast(struct tmm_worker *w, struct tmm_thread *prev)
{
	int req = prev->request;

	if (req == TMM_REQ_NONE || req == TMM_REQ_PARK)
		__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	else
		finish_switch(w, prev);
}

/* First thing a context does once it runs again on @w (or for the first time). */
static void switched_in(struct tmm_worker *w)
{
	struct tmm_thread *prev = w->prev;

	if (prev) {
		w->prev = 0;
		finish_switch_fast(w, prev);
	}
}

/*
 * Runs on a thread's stack as the switch into it ends, whoever made it (g0 or
 * a thread leaving), before the thread goes on where it left or starts.
 * Being done by the switch, not by the code after it on each thread,
 * switch_away ends with the switch, as a tail call.
 */
static void thread_resumed(void *arg)
{
	struct tmm_worker *w = arg;

	*w->errno_loc = w->cur->saved_errno;
	tmm_ctx_resumed(&w->cur->ctx);
	switched_in(w);
}

/* A thread may be queued before it has switched away: wait until it has. */
static void wait_off_cpu(struct tmm_thread *t)
{
	unsigned int spins = 0;

	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		tmm_spin_wait(&spins);
}

/* @w is about to switch to @t, from g0 or straight from another thread. */
static inline __attribute__((always_inline)) void enter(struct tmm_worker *w, struct tmm_proc *p,
							struct tmm_thread *t)
{
	wait_off_cpu(t);
	__atomic_store_n(&t->on_cpu, 1, __ATOMIC_RELAXED);
	w->cur = t;
	t->request = TMM_REQ_NONE;
	if (t->snap && !w->clock)
		w->clock = tmm_clock_ns();
	tmm_account_start_at(t, w->clock);
	w->clock = 0;
	/* Only the owner writes it; the monitor watches it move (sched_mn.c). */
	if (p)
		__atomic_store_n(&p->tick, p->tick + 1, __ATOMIC_RELEASE);
}

/* Back on g0 after the thread it ran (or the ones that followed) switched to it. */
static void after_run(struct tmm_worker *w)
{
	struct tmm_proc *p = w->proc;

	w->cur = 0;
	if (p && tmm_monitor_kick) {
		uint64_t running = PROC_STATUS(w, PROC_RUNNING);

		/* Fails when the monitor handed the processor over meanwhile. */
		if (!__atomic_compare_exchange_n(&p->status, &running, PROC_STATUS(w, PROC_SCHED),
						 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			__atomic_store_n(&w->proc, 0, __ATOMIC_RELEASE);
	}
	switched_in(w);
}

static void run(struct tmm_worker *w, struct tmm_thread *t)
{
	struct tmm_proc *p = w->proc;

	enter(w, p, t);
	if (p && tmm_monitor_kick) {
		__atomic_store_n(&p->status, PROC_STATUS(w, PROC_RUNNING), __ATOMIC_SEQ_CST);
		tmm_monitor_kick();
	}
	tmm_ctx_leave_then(&w->g0, &t->ctx, 0, thread_resumed, w);
	tmm_ctx_resumed(&w->g0);
	after_run(w);
}

static struct tmm_thread *find_runnable(struct tmm_worker *w)
{
	struct tmm_proc *p = w->proc;
	struct tmm_thread *t;

	if (tmm_timers_next(&tmm_user_timers) != UINT64_MAX)
		tmm_timers_expire(&tmm_user_timers, tmm_now_ns());
	/* I/O readiness, without blocking: when the queue runs dry, and now and then. */
	if (p->tick % GLOBAL_QUEUE_EVERY == 0 || w->fair_pick) {
		w->fair_pick = 0;
		tmm_poller_poll_now();
		if ((t = global_pop()) || (t = proc_pop(w, p, 1)))
			return t;
	} else if (!__atomic_load_n(&p->len, __ATOMIC_ACQUIRE)) {
		tmm_poller_poll_now();
	}
	if ((t = proc_pop(w, p, 0)) || (t = global_pop()))
		return t;
	return steal(w, p);
}

/*
 * Whether threads wait in a run queue for the idle worker of @own: in its
 * own, or more than one in another, or one whose owner is idle too (a lone
 * thread is left to an owner that runs, lone_thread_stealable; the monitor
 * wakes a sleeper if that one waits long).  Each length is read under its
 * queue's lock: a waker (make_ready) looks for sleepers after its push
 * without a fence, and the lock orders the two.  An owner going idle says
 * so before it reads its queue under the same lock: if it missed the
 * thread, this sees it idle.
 */
static int queued_work(struct tmm_proc *own)
{
	for (unsigned int i = 0; i < tmm_us.nprocs; i++) {
		struct tmm_proc *q = &tmm_us.procs[i];
		unsigned long len;

		queue_lock(q);
		len = q->len - (q == own ? 0 : q->bound_len) + slots_taken(q);
		queue_unlock(q);
		if (len > 1 || (len && (q == own || owner_idle(q))))
			return 1;
	}
	return 0;
}

static int has_work(struct tmm_worker *w)
{
	return __atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&w->handback, __ATOMIC_ACQUIRE) ||
	       !__atomic_load_n(&w->proc, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&tmm_us.global_len, __ATOMIC_ACQUIRE) || queued_work(w->proc) ||
	       tmm_timers_next(&tmm_user_timers) <= tmm_now_ns();
}

/*
 * Nothing to run: sleep in the kernel until woken or the nearest timer.
 * Announce first, check again, then sleep, so a waker either sees us
 * sleeping or we see its work (both sides use sequentially consistent
 * operations).
 */
static void worker_idle(struct tmm_worker *w)
{
	uint64_t next;
	int one = 1;

	w->clock = 0;
	__atomic_store_n(&w->wake, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->sleeping, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&tmm_us.nsleeping, 1, __ATOMIC_SEQ_CST);
	if (!has_work(w)) {
		next = tmm_timers_next(&tmm_user_timers);
		/* One idle worker waits in epoll_wait while threads wait for I/O. */
		if (!tmm_poller_idle_wait(w, &w->wake, next))
			tmm_futex_wait(&w->wake, 0, next == UINT64_MAX ? 0 : next);
	}
	if (__atomic_compare_exchange_n(&w->sleeping, &one, 0, 0, __ATOMIC_SEQ_CST,
					__ATOMIC_RELAXED))
		__atomic_fetch_sub(&tmm_us.nsleeping, 1, __ATOMIC_SEQ_CST);
}

/* No processor: wait on the spare list until the monitor hands one over. */
static void worker_wait_for_proc(struct tmm_worker *w)
{
	w->clock = 0;
	__atomic_store_n(&w->wake, 0, __ATOMIC_SEQ_CST);
	tmm_spin_lock(&tmm_us.workers_lock);
	if (!w->spare && !w->proc) {
		w->spare = 1;
		w->next_spare = tmm_us.spares;
		tmm_us.spares = w;
	}
	tmm_spin_unlock(&tmm_us.workers_lock);
	while (!__atomic_load_n(&w->proc, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&w->handback, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		tmm_futex_wait(&w->wake, 0, 0);
		__atomic_store_n(&w->wake, 0, __ATOMIC_SEQ_CST);
	}
	/* Woken for a hand-back or to stop: leave the spare list. */
	tmm_spin_lock(&tmm_us.workers_lock);
	if (w->spare) {
		struct tmm_worker **pp = &tmm_us.spares;

		while (*pp != w)
			pp = &(*pp)->next_spare;
		*pp = w->next_spare;
		w->spare = 0;
	}
	tmm_spin_unlock(&tmm_us.workers_lock);
}

/*
 * Between two looks, whether a thread was queued on @w's own processor (a
 * thread bound there, woken by another worker) or handed back to it: its
 * own queue's length only, which others write only when they queue there.
 */
static int own_work_arrived(struct tmm_worker *w)
{
	struct tmm_proc *p = __atomic_load_n(&w->proc, __ATOMIC_ACQUIRE);

	return !p || __atomic_load_n(&p->len, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&w->handback, __ATOMIC_ACQUIRE);
}

/*
 * M:N, nothing to run and not the spinner: a worker whose processor has
 * threads bound to it still watches its own queue for up to SPIN_NS, as
 * only it may run them once another worker wakes them.  Two bound threads
 * handing a mutex back and forth each go idle at every step, often while
 * the other worker still counts as the spinner; asleep, a worker took tens
 * of microseconds to wake on the test machine, which made such a handoff
 * 7 times as slow in whole runs (tools/bench relay).  Its own queue only:
 * no look at the lines other workers write.
 */
static void watch_own_queue(struct tmm_worker *w)
{
	struct tmm_proc *p = w->proc;
	uint64_t until;

	if (!p || !__atomic_load_n(&p->bound_threads, __ATOMIC_RELAXED))
		return;
	until = tmm_clock_ns() + SPIN_NS;
	while (!own_work_arrived(w) && !__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) &&
	       tmm_clock_ns() < until)
		__builtin_ia32_pause();
}

/*
 * M:N, nothing to run: look again for up to SPIN_NS before sleeping, one
 * worker at a time and only while another worker runs threads (Go's
 * spinning M).  While one spins, wake_idle wakes nobody: creating a thread
 * costs no futex wake-up, and fork-join work is stolen without one.  Having
 * found work, it lets a sleeping worker take over the spinning.
 */
static struct tmm_thread *spin_for_work(struct tmm_worker *w)
{
	struct tmm_thread *t = 0;
	unsigned int none = 0;
	uint64_t now, until;

	if (!tmm_monitor_kick)
		return 0;
	if (__atomic_load_n(&tmm_us.nsleeping, __ATOMIC_SEQ_CST) + 1 >= tmm_us.nprocs ||
	    !__atomic_compare_exchange_n(&tmm_us.nspinning, &none, 1, 0, __ATOMIC_SEQ_CST,
					 __ATOMIC_RELAXED)) {
		watch_own_queue(w);
		return 0;
	}
	w->saw_lone = 0;
	until = tmm_clock_ns() + SPIN_NS;
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&w->handback, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&w->proc, __ATOMIC_ACQUIRE) && !(t = find_runnable(w)) &&
	       (now = tmm_clock_ns()) < until)
		while (tmm_clock_ns() - now < SPIN_LOOK_NS && !own_work_arrived(w))
			__builtin_ia32_pause();
	/* From here wakers wake again; worker_idle looks once more after this. */
	__atomic_fetch_sub(&tmm_us.nspinning, 1, __ATOMIC_SEQ_CST);
	if (t)
		wake_idle(0);
	else if (w->saw_lone)
		lone_wakes_note(1);
	return t;
}

static void worker_loop(struct tmm_worker *w)
{
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		struct tmm_thread *t = __atomic_exchange_n(&w->handback, 0, __ATOMIC_SEQ_CST);

		if (!t && !__atomic_load_n(&w->proc, __ATOMIC_ACQUIRE)) {
			worker_wait_for_proc(w);
			continue;
		}
		if (!t)
			t = find_runnable(w);
		if (!t)
			t = spin_for_work(w);
		if (t)
			run(w, t);
		else
			worker_idle(w);
	}
}

/* The first worker's g0: entered when main first switches away. */
static void first_g0_entry(void *arg)
{
	struct tmm_worker *w = arg;

	tmm_ctx_resumed(&w->g0);
	after_run(w);
	worker_loop(w);
	abort(); /* the first worker is never stopped from its own loop */
}

static void stack_bounds(struct tmm_ctx *ctx)
{
	pthread_attr_t attr;
	void *lo = 0;
	size_t size = 0;

	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		pthread_attr_getstack(&attr, &lo, &size);
		pthread_attr_destroy(&attr);
	}
	ctx->stack_lo = lo;
	ctx->stack_size = size;
}

static void *worker_main(void *arg)
{
	struct tmm_worker *w = arg;

	set_current_worker(w);
	w->tid = tmm_gettid();
	/* Workers keep the label they start with: a spare may later own a processor. */
	w->snap = w->proc ? tmm_snapshot_kthread_add(w->tid, TMM_ROLE_WORKER, w->proc->id)
			  : tmm_snapshot_kthread_add(w->tid, TMM_ROLE_SPARE, w->id);
	w->altstack = tmm_altstack_install();
	stack_bounds(&w->g0);
	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	tmm_futex_wake(&w->started, 1);
	worker_loop(w);
	tmm_altstack_remove(w->altstack);
	tmm_snapshot_kthread_remove(w->snap);
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	tmm_futex_wake(&w->done, 1);
	return 0;
}

static struct tmm_worker *worker_new(void)
{
	struct tmm_worker *w = aligned_alloc(_Alignof(struct tmm_worker), sizeof(*w));

	if (!w)
		return 0;
	memset(w, 0, sizeof(*w));
	tmm_spin_lock(&tmm_us.workers_lock);
	w->id = ++tmm_us.nworkers;
	w->next = tmm_us.workers;
	tmm_us.workers = w;
	tmm_spin_unlock(&tmm_us.workers_lock);
	return w;
}

static void proc_assign(struct tmm_proc *p, struct tmm_worker *w)
{
	__atomic_store_n(&p->owner, w, __ATOMIC_RELEASE);
	__atomic_store_n(&p->status, PROC_STATUS(w, PROC_SCHED), __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->proc, p, __ATOMIC_SEQ_CST);
}

/* A new worker kernel thread, owning @proc (or a spare when NULL). */
struct tmm_worker *tmm_worker_spawn(struct tmm_proc *proc, int *err)
{
	struct tmm_worker *w = worker_new();
	pthread_attr_t attr;

	*err = 0;
	if (!w) {
		*err = ENOMEM;
		return 0;
	}
	if (proc)
		proc_assign(proc, w);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, G0_STACK_SIZE);
	*err = pthread_create(&w->pthread, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (*err) {
		/* Left on the list (ids stay unique); the processor goes back unowned. */
		__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
		memset(&w->pthread, 0, sizeof(w->pthread));
		w->done = 1;
		return 0;
	}
	return w;
}

/*
 * Hands @p, taken from its stuck worker (status was @taken_from), to a spare
 * worker, starting one if none waits.  For the monitor.  If no kernel thread
 * can be started the processor goes back to its worker.
 */
int tmm_proc_hand_over(struct tmm_proc *p, uint64_t taken_from)
{
	struct tmm_worker *w, *old = __atomic_load_n(&p->owner, __ATOMIC_ACQUIRE);
	int err = 0;

	/*
	 * The status no longer names @old, whose slot section, if it was in
	 * one, ends before the processor changes hands; its later ones fail.
	 */
	if (tmm_us.slot_ok) {
		slot_fence(p);
		slot_unfence(p);
	}
	tmm_spin_lock(&tmm_us.workers_lock);
	w = tmm_us.spares;
	if (w) {
		tmm_us.spares = w->next_spare;
		w->spare = 0;
	}
	tmm_spin_unlock(&tmm_us.workers_lock);
	if (w) {
		proc_assign(p, w);
		tmm_worker_wake(w);
	} else if (!tmm_worker_spawn(p, &err)) {
		__atomic_store_n(&p->owner, old, __ATOMIC_RELEASE);
		__atomic_store_n(&p->status, taken_from, __ATOMIC_SEQ_CST);
	}
	return err;
}

/* Whether a thread waits on @p: in its queue (bound ones too) or its slots. */
static int proc_queued(struct tmm_proc *p)
{
	return __atomic_load_n(&p->len, __ATOMIC_ACQUIRE) || slots_taken(p);
}

int tmm_proc_work_waiting(struct tmm_proc *p, uint64_t now)
{
	if (proc_queued(p))
		return 1;
	if (__atomic_load_n(&tmm_us.nsleeping, __ATOMIC_SEQ_CST))
		return 0; /* an idle worker will take global work, timers and others' queues */
	/*
	 * Queued behind another processor's running thread counts too: with
	 * no idle worker to steal it, it waits on a CPU this processor could
	 * lend (as Go's sysmon retakes a P in a system call when no P is idle).
	 */
	return __atomic_load_n(&tmm_us.global_len, __ATOMIC_ACQUIRE) ||
	       tmm_timers_next(&tmm_user_timers) <= now || stealable(p);
}

/* ---- the scheduler interface ------------------------------------------------- */

int tmm_user_start(unsigned int nprocs)
{
	struct tmm_thread *main = tmm_rt.main;
	struct tmm_worker *w;
	unsigned int i;
	int err;

	memset(&tmm_us, 0, sizeof(tmm_us));
	tmm_timers_init(&tmm_user_timers);
	tmm_us.nprocs = nprocs;
	tmm_us.shared = tmm_monitor_kick != 0;
	tmm_us.slot_ok = !tmm_us.shared || tmm_membarrier_register();
	tmm_us.procs = aligned_alloc(_Alignof(struct tmm_proc), nprocs * sizeof(*tmm_us.procs));
	if (tmm_us.procs)
		memset(tmm_us.procs, 0, nprocs * sizeof(*tmm_us.procs));
	w = worker_new();
	if (!tmm_us.procs || !w)
		return ENOMEM;
	for (i = 0; i < nprocs; i++)
		tmm_us.procs[i].id = i;
	w->g0_stack = tmm_stack_get(G0_STACK_SIZE, &err);
	if (!w->g0_stack)
		return err;
	tmm_ctx_init(&w->g0, w->g0_stack->lo, w->g0_stack->size, first_g0_entry, w);
	w->tid = tmm_gettid();
	w->pthread = pthread_self();
	w->snap = tmm_snapshot_kthread_add(w->tid, TMM_ROLE_WORKER, 0);
	tmm_us.first = w;
	set_current_worker(w);
	stack_bounds(&main->ctx);

	proc_assign(&tmm_us.procs[0], w);
	tmm_us.procs[0].status = PROC_STATUS(w, PROC_RUNNING);
	w->cur = main;
	main->on_cpu = 1;
	tmm_account_start(main);

	for (i = 1; i < nprocs; i++)
		if (!tmm_worker_spawn(&tmm_us.procs[i], &err))
			return err;
	/*
	 * tmm_init returns with every processor's worker in its loop: a kernel
	 * thread takes up to half a millisecond to first run here, which the
	 * first threads would otherwise wait out on one CPU (the time a
	 * fork-join of fib(21) takes on two).
	 */
	for (w = tmm_us.workers; w; w = w->next)
		while (w != tmm_us.first && !__atomic_load_n(&w->started, __ATOMIC_ACQUIRE))
			tmm_futex_wait(&w->started, 0, 0);
	return 0;
}

static void switch_away(struct tmm_thread *self, enum tmm_request req);

/* The count of threads bound to processor @bound - 1 (0: none) moves by @delta. */
static void bound_threads_add(unsigned int bound, int delta)
{
	if (bound)
		__atomic_fetch_add(&tmm_us.procs[bound - 1].bound_threads, (unsigned int)delta,
				   __ATOMIC_RELAXED);
}

/* Called by main in tmm_fini: come home to the first worker, stop the others. */
void tmm_user_stop(void)
{
	struct tmm_thread *self = tmm_rt.main;
	struct tmm_worker *w;
	uint64_t deadline;

	if (current_worker() != tmm_us.first)
		switch_away(self, TMM_REQ_HOME);
	self->home = 0;
	bound_threads_add(self->bound, -1);
	self->bound = 0; /* the processors go */
	if (tmm_monitor_stop)
		tmm_monitor_stop();
	tmm_account_stop(self);

	for (w = tmm_us.workers; w; w = w->next)
		if (w != tmm_us.first) {
			__atomic_store_n(&w->stop, 1, __ATOMIC_SEQ_CST);
			tmm_worker_wake(w);
		}
	/* A worker still running a daemon thread (say, blocked in read()) cannot be stopped. */
	deadline = tmm_deadline(100 * 1000 * 1000);
	for (w = tmm_us.workers; w; w = w->next) {
		if (w == tmm_us.first || !w->pthread)
			continue;
		while (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE) && tmm_now_ns() < deadline)
			tmm_futex_wait(&w->done, 0, deadline);
		if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
			pthread_join(w->pthread, 0);
		else
			tmm_us.abandoned = 1, pthread_detach(w->pthread);
	}
	tmm_snapshot_kthread_remove(tmm_us.first->snap);
	if (tmm_us.abandoned)
		return; /* leak the rest: a kernel thread may still use it */
	while ((w = tmm_us.workers)) {
		tmm_us.workers = w->next;
		if (w->g0_stack)
			tmm_stack_put(w->g0_stack);
		free(w);
	}
	free(tmm_us.procs);
	tmm_timers_fini(&tmm_user_timers);
	set_current_worker(0);
}

/* Entered through thread_resumed, like every switch into a thread. */
static void thread_entry(void *arg)
{
	tmm_thread_run(arg);
}

int tmm_user_spawn(struct tmm_thread *t)
{
	int err;

	t->stack = tmm_stack_get(t->stack_size, &err);
	if (!t->stack)
		return err;
	t->guard_lo = (char *)t->stack->lo - tmm_page_size();
	t->guard_hi = t->stack->lo;
	tmm_ctx_init(&t->ctx, t->stack->lo, t->stack->size, thread_entry, t);
	make_ready(t, 1);
	return 0;
}

/*
 * The processor @w may switch from @self straight to the next thread in its
 * queue with, or NULL when the switch must go through g0: once in
 * GLOBAL_QUEUE_EVERY switches and yields (g0 expires timers, polls for I/O
 * and looks at the global queue), when the worker is asked to stop or to run
 * a handed-back thread, when @self must go home, and under M:N when the
 * monitor took the processor away (g0 then gives it up).
 */
static struct tmm_proc *direct_proc(struct tmm_worker *w, struct tmm_thread *self)
{
	struct tmm_proc *p = w->proc;

	if (!w->direct_left) {
		w->direct_left = GLOBAL_QUEUE_EVERY;
		w->fair_pick = 1;
		return 0;
	}
	w->direct_left--;
	if (!p || self->home || __atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&w->handback, __ATOMIC_ACQUIRE))
		return 0;
	if (tmm_us.shared &&
	    __atomic_load_n(&p->status, __ATOMIC_ACQUIRE) != PROC_STATUS(w, PROC_RUNNING))
		return 0;
	return p;
}

/*
 * Switches away from @self for @req: straight to the next queued thread when
 * there is one (one register swap), else to g0, which finds work or idles.
 * What cannot happen on @self's stack (queueing a yielding thread that is
 * not queued yet, freeing an exiting one's stack) is finished by the context
 * that runs next (finish_switch); a thread queued before it is off its stack
 * (a yield, a park woken early) is not run until it is (on_cpu).
 */
static void switch_away(struct tmm_thread *self, enum tmm_request req)
{
	struct tmm_worker *w = current_worker();
	struct tmm_proc *p = req == TMM_REQ_HOME || req == TMM_REQ_MOVE ? 0 : direct_proc(w, self);
	struct tmm_thread *next = 0;

	if (w->joiner) {
		/*
		 * The exit's joiner, woken by tmm_thread_finish (tmm_user_wake,
		 * tmm_user_hand_joiner).  Through g0, finish_switch queues it
		 * once the exit ended.
		 */
		if (p) {
			next = w->joiner;
			w->joiner = 0;
		}
	} else if (p) {
		next = req == TMM_REQ_YIELD ? proc_swap(w, p, self) : proc_pop(w, p, 0);
	}
	/* Nothing else waits here (another processor's worker runs its own queue). */
	if (!next && p && req == TMM_REQ_YIELD &&
	    !__atomic_load_n(&tmm_us.global_len, __ATOMIC_ACQUIRE))
		return;
	if (next == self) {
		/* Parked, woken and queued here before it even switched away. */
		tmm_thread_set_state(self, TMM_RUNNING);
		return;
	}
	if (next && req == TMM_REQ_YIELD) {
		/* Queued by proc_swap: nothing left to do after the switch. */
		tmm_thread_set_state(self, TMM_RUNNABLE);
		req = TMM_REQ_NONE;
	}
	self->request = req;
	self->saved_errno = *w->errno_loc;
	w->prev = self;
	w->clock = tmm_account_stop(self);
	/* Nothing after the switch: thread_resumed finishes it when self runs again. */
	if (next) {
		enter(w, p, next);
		tmm_ctx_leave_then(&self->ctx, &next->ctx, req == TMM_REQ_EXIT, thread_resumed, w);
	} else {
		tmm_ctx_leave(&self->ctx, &w->g0, req == TMM_REQ_EXIT);
	}
}

/*
 * The park is committed here, on the thread's own stack, before it switches
 * away: a wake-up from then on queues it, and on_cpu keeps it from running
 * anywhere until the switch completed.  Not parked (a permit was waiting,
 * or the timer could not be armed): no switch at all.
 */
int tmm_user_park(struct tmm_thread *self, struct tmm_spin *lock, uint64_t deadline,
		  enum tmm_wait why)
{
	if (tmm_park_commit(self, lock, deadline, why, arm_timer))
		switch_away(self, TMM_REQ_PARK);
	return self->park_result;
}

/*
 * A thread woken by one that is ending (its joiner, from tmm_thread_finish
 * on the exiting thread's stack) is what the exit switches to next, without
 * going through the queue (switch_away); or, when the exit must go through
 * g0, on top of the queue.  Other wake-ups join the FIFO (a thread with a
 * home, or bound to another processor, goes there instead).
 */
void tmm_user_wake(struct tmm_thread *t)
{
	struct tmm_worker *w = current_worker();
	struct tmm_thread *waker = w ? w->cur : 0;

	if (!(waker && waker->exited && tmm_user_hand_joiner(t)))
		make_ready(t, 0);
}

/*
 * The exit switches to @t after its end (finish_switch runs
 * tmm_thread_terminated first), whichever way it goes: straight, or through
 * g0, which queues @t only then.
 */
int tmm_user_hand_joiner(struct tmm_thread *t)
{
	struct tmm_worker *w = current_worker();

	if (!w || w->joiner || t->home ||
	    __builtin_expect(t->bound && &tmm_us.procs[t->bound - 1] != w->proc, 0))
		return 0;
	w->joiner = t;
	return 1;
}

void tmm_user_yield(struct tmm_thread *self)
{
	switch_away(self, TMM_REQ_YIELD);
}

/*
 * Under M:N, while nothing else waits on the caller's processor nor in the
 * global queue: spinning then keeps no thread from running.  With one
 * processor nobody else runs meanwhile, as under M:1 (which leaves the op
 * out).
 */
int tmm_user_may_spin(void)
{
	struct tmm_worker *w = current_worker();
	struct tmm_proc *p = w ? __atomic_load_n(&w->proc, __ATOMIC_ACQUIRE) : 0;

	return p && tmm_us.nprocs > 1 && !proc_queued(p) &&
	       !__atomic_load_n(&tmm_us.global_len, __ATOMIC_ACQUIRE);
}

void tmm_user_exit(struct tmm_thread *self)
{
	bound_threads_add(self->bound, -1);
	switch_away(self, TMM_REQ_EXIT);
	abort(); /* never resumed */
}

/* A thread parked on I/O and no worker polls: wake an idle one to (M:N). */
void tmm_user_want_poller(void)
{
	if (tmm_monitor_kick) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		wake_idle(0);
	}
}

int tmm_user_work_queued(uint64_t until)
{
	unsigned int i;

	if (__atomic_load_n(&tmm_us.global_len, __ATOMIC_ACQUIRE) ||
	    tmm_timers_next(&tmm_user_timers) <= until)
		return 1;
	for (i = 0; i < tmm_us.nprocs; i++)
		if (proc_queued(&tmm_us.procs[i]))
			return 1;
	return 0;
}

void tmm_user_wake_thief(void)
{
	wake_idle(0);
}

int tmm_us_abandoned(void)
{
	return tmm_us.abandoned;
}

/* ---- processors (processor.c) ---------------------------------------------------- */

unsigned int tmm_user_nprocessors(void)
{
	return tmm_us.nprocs;
}

/* -1 while the caller's worker has no processor: the monitor took it during a system call. */
int tmm_user_processor(void)
{
	struct tmm_worker *w = current_worker();
	struct tmm_proc *p = w ? __atomic_load_n(&w->proc, __ATOMIC_ACQUIRE) : 0;

	return p ? (int)p->id : -1;
}

/*
 * Under M:1 there is one processor: nothing to bind.  Under M:N the caller
 * moves through g0, whose make_ready queues it on its processor; from then
 * on only that processor's workers run it (every queue it joins is that
 * processor's), so no other switch needs to look at the binding.
 */
int tmm_user_bind(struct tmm_thread *self, int processor)
{
	struct tmm_worker *w = current_worker();

	if (!w || !tmm_us.shared)
		return 0;
	bound_threads_add(self->bound, -1);
	self->bound = processor < 0 ? 0 : (unsigned int)processor + 1;
	bound_threads_add(self->bound, 1);
	if (self->bound && w->proc != &tmm_us.procs[processor])
		switch_away(self, TMM_REQ_MOVE);
	return 0;
}
