/*
 * sched_user.h — the user-level scheduling engine shared by M:1 and M:N
 * (sched_user.c; the design is described at the top of that file).
 */
#ifndef TMM_SCHED_USER_H
#define TMM_SCHED_USER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime.h"
#include "stack.h"
#include "timer.h"

/*
 * A processor: the right to run tmm threads, with its own run queue.  What
 * its owner writes at every switch and a thief reads when it looks for work
 * is on the first cache line (a look at the queue reads that one line), what
 * changes seldom on the second, the owner's slot-section flag on the third.
 */
struct tmm_proc {
	struct tmm_spin lock;		 /* guards the run queue */
	unsigned int len;		 /* queued on the stack and the FIFO; atomic reads */
	struct tmm_thread *top, *bottom; /* created threads and joiners (sched_user.c) */
	struct tmm_thread *head, *tail;	 /* a FIFO: yields and other wake-ups */
	/* the owner's slots, without the lock (sched_user.c): the stack's top, the FIFO's end */
	struct tmm_thread *next, *last;
	uint64_t tick; /* times its worker entered a thread, atomic */

	unsigned int id __attribute__((aligned(64)));
	uint64_t status; /* owner id << 2 | PROC_*, atomic */
	struct tmm_worker *owner;
	unsigned int bound_len;	    /* of len, threads bound here (in the FIFO), atomic reads */
	unsigned int bound_threads; /* live threads bound here, queued or not, atomic */

	int slot_busy __attribute__((aligned(64))); /* the owner is in a slot section, atomic */
	int slot_fence; /* how many kernel threads keep the owner out of the slots, atomic */
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct tmm_proc, tick) < 64, "a thief's look reads one line");

#define PROC_SCHED 1u	/* its worker is in the scheduler or idle */
#define PROC_RUNNING 2u /* its worker runs a tmm thread */
#define PROC_HANDOFF 3u /* the monitor is taking it away */
#define PROC_STATUS(w, s) ((uint64_t)(w)->id << 2 | (s))

/* A worker: one kernel thread, with the scheduler's context (g0). */
struct tmm_worker {
	unsigned int id;
	pid_t tid;
	pthread_t pthread;
	struct tmm_ctx g0;
	struct tmm_stack *g0_stack; /* the first worker's; the others use their pthread stack */
	struct tmm_proc *proc;	    /* NULL: a spare, or it lost its processor */
	struct tmm_thread *cur;
	struct tmm_thread *prev;   /* switched away; the next context on this worker finishes it */
	struct tmm_thread *joiner; /* woken by the exiting thread it runs, which switches to it */
	unsigned int direct_left;  /* switches before the next one through g0 */
	int fair_pick;		   /* g0's next pick is the periodic one */
	int saw_lone;		   /* spin_for_work: it saw a lone thread left to its owner */
	/* lone_thread_stealable (sched_user.c): whose tick and lone thread it saw, since when */
	struct tmm_proc *grace_proc;
	struct tmm_thread *grace_lone;
	uint64_t grace_tick, grace_since;
	struct tmm_thread *handback; /* a thread only this worker may run (tmm_fini's main) */
	uint64_t clock;		     /* the last switch's time, 0 once stale (after idling) */
	int *errno_loc; /* its kernel thread's errno, which each thread's is swapped into */
	int wake;	/* futex word */
	int sleeping;	/* idle with a processor, atomic */
	int spare;	/* waiting for a processor on the spare list */
	int stop;
	int started; /* futex word: its kernel thread reached the scheduler */
	int done;    /* futex word: its kernel thread left the scheduler */
	void *altstack;
	struct tmm_snap_kthread *snap; /* its record in tmmstat's snapshot */
	struct tmm_worker *next, *next_spare;
} __attribute__((aligned(64))); /* a cache line of its own: its switches write it */

struct tmm_user_sched {
	unsigned int nprocs;
	int shared;  /* M:N: other kernel threads use the processors' queues (M:1: no locks) */
	int slot_ok; /* the owner's slots are used: M:1, or M:N with membarrier */
	struct tmm_proc *procs;
	struct tmm_worker *first;     /* the kernel thread that called tmm_init */
	struct tmm_spin workers_lock; /* guards the list, the spare list, the count */
	struct tmm_worker *workers;
	struct tmm_worker *spares;
	unsigned int nworkers;
	unsigned int nsleeping; /* idle workers holding a processor, atomic */
	unsigned int nspinning; /* M:N: workers looking for work before sleeping (0 or 1), atomic */
	int lone_wakes_futile;	/* M:N: a lone thread wakes nobody (lone_left_to_owner), atomic */
	/* the global run queue: threads made runnable by a worker without a processor */
	struct tmm_spin global_lock;
	struct tmm_thread *global_head, *global_tail;
	unsigned long global_len;
	int abandoned; /* a worker could not be stopped: leak instead of free */
};

extern struct tmm_user_sched tmm_us;

int tmm_user_start(unsigned int nprocs);
void tmm_user_stop(void);
int tmm_user_spawn(struct tmm_thread *t);
int tmm_user_park(struct tmm_thread *self, struct tmm_spin *lock, uint64_t deadline,
		  enum tmm_wait why);
void tmm_user_wake(struct tmm_thread *t);
int tmm_user_hand_joiner(struct tmm_thread *t);
void tmm_user_yield(struct tmm_thread *self);
int tmm_user_may_spin(void);
void tmm_user_exit(struct tmm_thread *self) __attribute__((noreturn));
unsigned int tmm_user_nprocessors(void);
int tmm_user_processor(void);
int tmm_user_bind(struct tmm_thread *self, int processor);

/* Worker management for M:N (the monitor in sched_mn.c). */
struct tmm_worker *tmm_worker_spawn(struct tmm_proc *proc, int *err);
void tmm_worker_wake(struct tmm_worker *w);
/* Whether queued work is waiting that no idle worker will pick up. */
int tmm_proc_work_waiting(struct tmm_proc *p, uint64_t now);
/* Whether a thread waits in any run queue, or a timer falls due by @until (tmm_now_ns). */
int tmm_user_work_queued(uint64_t until);
/* Gives @p (taken from its stuck worker) to a spare worker, starting one if needed. */
int tmm_proc_hand_over(struct tmm_proc *p, uint64_t taken_from);

/*
 * Work waits on a processor whose worker has not switched for a while: wake
 * an idle worker, which steals it (the monitor; a lone queued thread is left
 * to its owner while the owner switches, so no worker may be looking).
 */
void tmm_user_wake_thief(void);

/* A thread parked on I/O and no worker sits in epoll_wait (poller.c). */
void tmm_user_want_poller(void);

/* M:N's monitor hooks, NULL under M:1. */
extern void (*tmm_monitor_kick)(void);
extern void (*tmm_monitor_stop)(void);

#endif /* TMM_SCHED_USER_H */
