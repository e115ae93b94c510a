/*
 * runtime.h — what the parts of libtmm share: the thread record, the
 * runtime's global state and the interface every scheduler implements.
 *
 * A scheduler (sched_m1.c, sched_1to1.c, sched_mn.c; the first and last on
 * the engine in sched_user.c) only decides where and when threads run.
 * Everything a thread is (name, state, join, thread-local data, accounting)
 * lives in thread.c and park.c, the same for every model.
 */
#ifndef TMM_RUNTIME_H
#define TMM_RUNTIME_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "context.h"
#include "park.h"
#include "tmm.h"

#define TMM_API __attribute__((visibility("default")))

#define TMM_NAME_MAX 32
#define TMM_STACK_MIN (16u * 1024)
#define TMM_STACK_DEFAULT (64u * 1024)
#define TMM_STACK_MAX (1024u * 1024 * 1024)
#define TMM_KTHREADS_MAX 1024u

/*
 * Why a thread is parked: a park consumes permits, a sleep ignores them; a
 * join is ended only by the exit of the thread joined (thread.c), never by
 * tmm_unpark, so that exit makes it runnable without the park lock.
 */
enum tmm_wait { TMM_WAIT_NONE, TMM_WAIT_PARK, TMM_WAIT_SLEEP, TMM_WAIT_JOIN };

/*
 * Why a user-level thread switched away: what is left to do once it no longer
 * runs on its stack, by whichever context runs next on its worker.
 */
enum tmm_request {
	TMM_REQ_NONE,
	TMM_REQ_YIELD,
	TMM_REQ_PARK,
	TMM_REQ_EXIT,
	TMM_REQ_HOME, /* M:N: to the first worker (tmm_fini) */
	TMM_REQ_MOVE, /* M:N: to the processor it just bound itself to */
};

struct tmm_joiner;
struct tmm_snap_kthread;
struct tmm_snap_thread;
struct tmm_stack;
struct tmm_tls;
struct tmm_worker;

struct tmm_thread {
	/* identity and life cycle */
	unsigned long id;
	unsigned long generation; /* tmm_init's count when created */
	char name[TMM_NAME_MAX];  /* once named is set */
	int named;		  /* atomic: 0 until a default name is written (tmm_thread_name) */
	int state;		  /* enum tmm_state, atomic */
	int daemon;
	int is_main;
	void *(*fn)(void *);
	void *arg;
	void *retval;

	/*
	 * join: join_lock guards detached, joined, exited, joiner; once a plain
	 * joiner is parked the exit alone writes them, without it (thread.c)
	 */
	struct tmm_spin join_lock;
	struct tmm_joiner *joiner; /* parked in tmm_join (one at most), given the result at exit */
	int joiner_stays; /* atomic: the joiner is a plain tmm_join's, gone only once served */
	int detached;
	int joined;
	int exited; /* atomic: the joiner reads it without the lock between parks */
	int refs;   /* the owner's reference plus tmm_enumerate's, atomic */

	/* the park/unpark seam (park.c): park_lock guards these */
	struct tmm_spin park_lock;
	int waiting; /* enum tmm_wait */
	int permit;
	int park_result;
	uint64_t park_seq;
	long timer_idx; /* position in the timer heap, -1 when absent */
	int futex;	/* 1:1: set to 1 by the waker */

	/* user-level threads: context, stack, scheduler bookkeeping */
	struct tmm_ctx ctx;
	struct tmm_stack *stack;
	size_t stack_size; /* usable bytes, as asked for */
	int request;	   /* enum tmm_request, read by the scheduler */
	int on_cpu;	   /* its context is live: 1 until the switch away completed, atomic */
	int saved_errno;   /* its errno while switched away (the kernel thread's is shared) */
	struct tmm_thread *rq_next, *rq_prev;
	struct tmm_worker *home; /* M:N: run only here (tmm_fini brings main home) */
	/* processor index + 1 it is bound to, 0: none; changed only by itself, running */
	unsigned int bound;

	/* the guard page below the stack, for the overflow report (overflow.c) */
	char *guard_lo, *guard_hi;

	/* 1:1 */
	pthread_t pthread;
	void *altstack;

	/* accounting, published to tmmstat through the snapshot (snapshot.h) */
	struct tmm_snap_thread *snap;
	struct tmm_snap_kthread *snap_kthread; /* 1:1: its own kernel thread's record */
	uint64_t run_since; /* when it last started running, while it has a record */

	struct tmm_tls *tls;

	/* registry of live threads (thread.c): its shard's list */
	int shard;
	int unregister_at_end; /* left for tmm_thread_terminated (tmm_thread_finish says when) */
	struct tmm_thread *all_prev, *all_next;
	struct tmm_thread *free_next;
};

struct tmm_sched {
	const char *name;
	/* After the main thread is registered: start kernel threads, etc. */
	int (*start)(void);
	/* From tmm_fini in main once every non-daemon thread finished. */
	void (*stop)(void);
	/* A new thread (stack and context set up by the scheduler) starts. */
	int (*spawn)(struct tmm_thread *t);
	/* Blocks the caller per park.c's protocol; returns the park result. */
	int (*park)(struct tmm_thread *self, struct tmm_spin *lock, uint64_t deadline,
		    enum tmm_wait why);
	/* A parked thread was granted its wake-up: make it run again. */
	void (*wake)(struct tmm_thread *t);
	/*
	 * Optional.  On an exiting thread's stack, after tmm_thread_finish's
	 * join steps: wakes @t, its joiner, so that @t runs only once the exit
	 * ended (tmm_thread_terminated ran); 0, and nothing done, if it cannot.
	 */
	int (*hand_joiner)(struct tmm_thread *t);
	void (*yield)(struct tmm_thread *self);
	/*
	 * Optional.  Whether the calling thread may spin a little for what a
	 * thread on another kernel thread is about to release, rather than
	 * park: only where that thread can run meanwhile and nothing else
	 * waits for the caller's CPU (mutex.c).  Left out: never.
	 */
	int (*may_spin)(void);
	/* Ends the calling thread after thread.c's exit steps. */
	void (*exit)(struct tmm_thread *self) __attribute__((noreturn));
	/* Processors (processor.c): how many, the caller's, binding the caller. */
	unsigned int (*nprocessors)(void);
	int (*processor)(void);
	int (*bind)(struct tmm_thread *self, int processor);
};

extern const struct tmm_sched tmm_sched_m1, tmm_sched_1to1, tmm_sched_mn;

struct tmm_runtime {
	int started;
	enum tmm_model model;
	unsigned int kthreads;
	size_t stack_size;
	const struct tmm_sched *sched;
	struct tmm_thread *main;
	/* thread.c keeps the registry; reg's queue holds tmm_fini (tmm_threads_waited) */
	struct tmm_waitq reg;
	int fini_waiting; /* tmm_fini is counting or waiting: the last exit must look, atomic */
	unsigned long next_id; /* the last thread id handed to thread.c's shards, atomic */
	pid_t main_tid;
};

extern struct tmm_runtime tmm_rt;

/* Counts tmm_init calls; a 1:1 daemon left over from an earlier run is stale. */
extern unsigned long tmm_generation;

static inline int tmm_thread_stale(const struct tmm_thread *t)
{
	return !tmm_rt.started || t->generation != tmm_generation;
}

/* The calling kernel thread's running tmm thread (per kernel thread). */
void tmm_set_current(struct tmm_thread *t);
/*
 * A user-level worker: tmm_current() is *@slot from now on (the worker's
 * own record of the thread it runs), NULL: tmm_set_current's again.
 */
void tmm_set_current_slot(struct tmm_thread **slot);

/* thread.c */
struct tmm_thread *tmm_thread_alloc(const struct tmm_attr *attr);
void tmm_thread_put(struct tmm_thread *t);
void tmm_thread_register(struct tmm_thread *t);
/* "thread-<id>", a thread's name when it was given none; async-signal-safe. */
void tmm_default_name(char name[TMM_NAME_MAX], unsigned long id);
void tmm_thread_run(struct tmm_thread *t) __attribute__((noreturn));
void tmm_thread_finish(struct tmm_thread *t);
void tmm_thread_terminated(struct tmm_thread *t);
void tmm_threads_fini(int keep_running);
/* Live threads tmm_fini waits for (not daemons, not main); read under tmm_rt.reg.lock. */
size_t tmm_threads_waited(void);
/* The switch path's bookkeeping (state, accounting): account.h. */

/* park.c: the scheduler-independent half of park/unpark */
int tmm_park_commit(struct tmm_thread *t, struct tmm_spin *lock, uint64_t deadline,
		    enum tmm_wait why, int (*arm_timer)(struct tmm_thread *t, uint64_t deadline));
void tmm_park_expire(struct tmm_thread *t, uint64_t seq);
int tmm_park_timed_out(struct tmm_thread *t);

/* tls.c */
void tmm_tls_run_destructors(struct tmm_thread *t);
void tmm_tls_free(struct tmm_thread *t);

/* overflow.c: stack overflow report, per kernel thread alternate stack */
int tmm_overflow_init(void);
void tmm_overflow_fini(void);
void *tmm_altstack_install(void);
void tmm_altstack_remove(void *altstack);

pid_t tmm_gettid(void);

/* sched_user.c: a worker could not be stopped at tmm_fini (its memory must stay). */
int tmm_us_abandoned(void);

#endif /* TMM_RUNTIME_H */
