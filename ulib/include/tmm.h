/*
 * tmm.h — one thread API over three thread mapping models.
 *
 * A program written against this header runs unchanged under each model,
 * chosen at start-up (tmm_init, or TMM_MODEL in the environment):
 *
 *   "m:1"  many-to-one: every tmm thread is a user-level thread on one
 *          kernel thread.  Switches never enter the kernel; a raw blocking
 *          system call stops every thread.
 *   "1:1"  one-to-one: every tmm thread is its own kernel thread.
 *   "m:n"  many-to-many (the default): any number of tmm threads over N
 *          kernel threads (TMM_KTHREADS, default the number of CPUs), with
 *          work stealing; a thread stuck in a system call does not stall the
 *          others.
 *
 * Conventions, as in pthreads: functions return 0 or a positive errno value;
 * bad arguments get EINVAL.  Timeouts are relative, in nanoseconds, and
 * return ETIMEDOUT.  Every waiting call parks only the calling tmm thread.
 *
 * Documentation/ulib/ describes each model and every call in detail.
 */
#ifndef TMM_H
#define TMM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Start-up and models -------------------------------------------------- */

enum tmm_model { TMM_MODEL_DEFAULT = 0, TMM_M1 = 1, TMM_1TO1 = 2, TMM_MN = 3 };

struct tmm_config {
	enum tmm_model model;  /* TMM_MODEL_DEFAULT: from TMM_MODEL, else m:n */
	unsigned int kthreads; /* M:N kernel threads; 0: TMM_KTHREADS, else CPUs */
	size_t stack_size;     /* default stack for new threads; 0: 64 KiB */
};

/*
 * Starts the runtime; the caller becomes a tmm thread ("main").  NULL or zero
 * fields come from TMM_MODEL ("m:1", "1:1", "m:n") and TMM_KTHREADS; an
 * unknown model or a bad count is EINVAL (with a message on stderr), never a
 * silent default.  EBUSY if already started.
 */
int tmm_init(const struct tmm_config *cfg);

/*
 * Waits for every non-daemon thread, then tears the runtime down; tmm_init
 * may be called again afterwards.  Only main may call it (EPERM elsewhere);
 * EINVAL when not started.  Daemon threads still alive are dropped (under
 * 1:1 their kernel threads go on, and must not call tmm any more).
 *
 * Before tmm_init (and after tmm_fini) the calls below return EINVAL, and
 * tmm_self() returns NULL; keys may be created at any time.
 */
int tmm_fini(void);

enum tmm_model tmm_current_model(void);

/* "m:1", "1:1", "m:n"; NULL for a value that names no model. */
const char *tmm_model_name(enum tmm_model model);

/* ---- Threads ----------------------------------------------------------------- */

typedef struct tmm_thread tmm_thread_t;

struct tmm_attr {
	const char *name;  /* copied; NULL: "thread-N" */
	size_t stack_size; /* 0: the default; at least 16 KiB */
	int detached;	   /* nobody will join it */
	int daemon;	   /* tmm_fini does not wait for it */
};

int tmm_create(tmm_thread_t **thread, const struct tmm_attr *attr, void *(*fn)(void *), void *arg);
int tmm_join(tmm_thread_t *thread, void **retval);
/* ETIMEDOUT after @timeout_ns (0: at once unless it ended); the thread stays joinable. */
int tmm_join_timeout(tmm_thread_t *thread, void **retval, uint64_t timeout_ns);
int tmm_detach(tmm_thread_t *thread);
/* Ends the caller from any depth; in main: tmm_fini(), then exit(0). */
void tmm_exit(void *retval) __attribute__((noreturn));
tmm_thread_t *tmm_self(void);
void tmm_yield(void);
int tmm_sleep_ns(uint64_t ns);
const char *tmm_thread_name(const tmm_thread_t *thread);

enum tmm_state { TMM_NEW, TMM_RUNNABLE, TMM_RUNNING, TMM_BLOCKED, TMM_TERMINATED };
enum tmm_state tmm_thread_state(const tmm_thread_t *thread);

/* Live threads, the caller included. */
size_t tmm_active_count(void);

/* Calls fn for every live thread; stops early when fn returns non-zero. */
int tmm_enumerate(int (*fn)(tmm_thread_t *thread, void *arg), void *arg);

/* ---- Processors ---------------------------------------------------------------
 *
 * Where tmm threads run.  Under M:N a processor is one of the TMM_KTHREADS
 * run queues, run by one kernel thread at a time; under M:1 it is the one
 * kernel thread (processor 0); under 1:1, a CPU the process could use at
 * tmm_init (the i-th of its affinity mask).  A thread bound to a processor
 * runs only there: under M:N no other processor steals it and a wake-up
 * queues it there, whoever wakes it; under 1:1 it is pinned to that CPU.
 * Threads start unbound, whoever creates them.
 */
unsigned int tmm_processor_count(void); /* 0 before tmm_init */
int tmm_current_processor(void);	/* the caller's; -1 when it has none */
/* Binds the caller to @processor (-1: unbinds) and moves it there; EINVAL out of range. */
int tmm_bind_processor(int processor);

/* ---- Synchronisation types ------------------------------------------------------
 *
 * Complete types, usable as globals and locals.  Their fields are private to
 * libtmm: use the functions below.  Each object carries a magic word set by
 * its init call (or initializer) and cleared by destroy, so that calls on an
 * uninitialised or destroyed object fail with EINVAL instead of crashing.
 */

struct tmm_spin {
	int locked;
};

struct tmm_waitq {
	struct tmm_spin lock;
	void *head;
	void *tail;
};

/* Private: the magic words of live objects. */
#define TMM_MAGIC_MUTEX 0x6d757478u   /* "mutx" */
#define TMM_MAGIC_COND 0x636f6e64u    /* "cond" */
#define TMM_MAGIC_SEM 0x73656d61u     /* "sema" */
#define TMM_MAGIC_EVENT 0x6576656eu   /* "even" */
#define TMM_MAGIC_BARRIER 0x62617272u /* "barr" */
#define TMM_MAGIC_RWLOCK 0x72776c6bu  /* "rwlk" */

typedef struct tmm_mutex {
	unsigned int magic;
	unsigned int state;	  /* locked / contended / hand-off bits */
	struct tmm_waitq waiters; /* threads parked in lock */
	tmm_thread_t *owner;
	unsigned int depth; /* extra recursive holds */
	int flags;
} tmm_mutex_t;

typedef struct tmm_cond {
	unsigned int magic;
	struct tmm_waitq waiters;
} tmm_cond_t;

typedef struct tmm_sem {
	unsigned int magic;
	struct tmm_waitq waiters;
	unsigned int value;
	unsigned int max; /* 0: unbounded */
} tmm_sem_t;

typedef struct tmm_event {
	unsigned int magic;
	struct tmm_waitq waiters;
	int set;
} tmm_event_t;

typedef struct tmm_barrier {
	unsigned int magic;
	struct tmm_waitq waiters;
	unsigned int count;
	unsigned int arrived;
} tmm_barrier_t;

struct tmm_rwlock_reader;

typedef struct tmm_rwlock {
	unsigned int magic;
	struct tmm_waitq waiters; /* readers and writers, one FIFO */
	tmm_thread_t *writer;
	struct tmm_rwlock_reader *readers; /* who holds it for reading (heap) */
	unsigned int nreaders;		   /* entries in use */
	unsigned int reserved;		   /* entries promised to holders and queued readers */
	unsigned int capacity;
} tmm_rwlock_t;

/* One-time initialisation (pthread_once): the thread running it holds lock. */
typedef struct tmm_once {
	int done; /* 1 once the function returned */
	tmm_mutex_t lock;
} tmm_once_t;

#define TMM_MUTEX_RECURSIVE 1
/* Each braced initializer on one line, not four. */
/* clang-format off */
#define TMM_MUTEX_INITIALIZER {.magic = TMM_MAGIC_MUTEX}
#define TMM_ONCE_INIT {.done = 0, .lock = TMM_MUTEX_INITIALIZER}
#define TMM_COND_INITIALIZER {.magic = TMM_MAGIC_COND}
/* clang-format on */
#define TMM_BARRIER_SERIAL_THREAD (-1)

/* ---- Mutex ---------------------------------------------------------------------- */

int tmm_mutex_init(tmm_mutex_t *m, int flags); /* flags: 0 or TMM_MUTEX_RECURSIVE */
int tmm_mutex_lock(tmm_mutex_t *m);
int tmm_mutex_trylock(tmm_mutex_t *m);			      /* EBUSY */
int tmm_mutex_timedlock(tmm_mutex_t *m, uint64_t timeout_ns); /* ETIMEDOUT */
int tmm_mutex_unlock(tmm_mutex_t *m);  /* EPERM if the caller does not own it */
int tmm_mutex_destroy(tmm_mutex_t *m); /* EBUSY if locked */

/* ---- Condition ---------------------------------------------------------------- */

int tmm_cond_init(tmm_cond_t *c);
int tmm_cond_wait(tmm_cond_t *c, tmm_mutex_t *m);
int tmm_cond_timedwait(tmm_cond_t *c, tmm_mutex_t *m, uint64_t timeout_ns);
int tmm_cond_signal(tmm_cond_t *c);
int tmm_cond_broadcast(tmm_cond_t *c);
int tmm_cond_destroy(tmm_cond_t *c);

/* ---- Semaphore ---------------------------------------------------------------- */

int tmm_sem_init(tmm_sem_t *s, unsigned int value, unsigned int max); /* max 0: unbounded */
int tmm_sem_wait(tmm_sem_t *s);
int tmm_sem_trywait(tmm_sem_t *s); /* EAGAIN */
int tmm_sem_timedwait(tmm_sem_t *s, uint64_t timeout_ns);
int tmm_sem_post(tmm_sem_t *s); /* EOVERFLOW past max */
int tmm_sem_destroy(tmm_sem_t *s);

/* ---- Event (Python's threading.Event) ----------------------------------------- */

int tmm_event_init(tmm_event_t *e);
int tmm_event_set(tmm_event_t *e);
int tmm_event_clear(tmm_event_t *e);
int tmm_event_is_set(tmm_event_t *e); /* 1 or 0 */
int tmm_event_wait(tmm_event_t *e);
int tmm_event_timedwait(tmm_event_t *e, uint64_t timeout_ns);
int tmm_event_destroy(tmm_event_t *e);

/* ---- Barrier -------------------------------------------------------------------- */

int tmm_barrier_init(tmm_barrier_t *b, unsigned int count); /* count 0: EINVAL */
/* TMM_BARRIER_SERIAL_THREAD in exactly one thread of each round, 0 in the others. */
int tmm_barrier_wait(tmm_barrier_t *b);
int tmm_barrier_destroy(tmm_barrier_t *b);

/* ---- Reader-writer lock ------------------------------------------------------ */

int tmm_rwlock_init(tmm_rwlock_t *l);
int tmm_rwlock_rdlock(tmm_rwlock_t *l);
int tmm_rwlock_wrlock(tmm_rwlock_t *l);
int tmm_rwlock_tryrdlock(tmm_rwlock_t *l); /* EBUSY */
int tmm_rwlock_trywrlock(tmm_rwlock_t *l); /* EBUSY */
int tmm_rwlock_unlock(tmm_rwlock_t *l);
int tmm_rwlock_destroy(tmm_rwlock_t *l);

/* ---- Once -------------------------------------------------------------------------
 *
 * static tmm_once_t once = TMM_ONCE_INIT; tmm_once(&once, init) runs init
 * exactly once, however many threads call it; every caller returns once init
 * has returned (the others park meanwhile, under every model).  EDEADLK when
 * init itself calls tmm_once on the same object; EPERM from a thread that
 * is not a tmm thread while init has not run yet.
 */
int tmm_once(tmm_once_t *once, void (*init)(void));

/* ---- Channel (Go's chan) ------------------------------------------------------ */

typedef struct tmm_chan tmm_chan_t;

int tmm_chan_create(tmm_chan_t **ch, size_t elem_size, size_t capacity); /* 0: rendezvous */
int tmm_chan_send(tmm_chan_t *ch, const void *elem);
int tmm_chan_recv(tmm_chan_t *ch, void *elem);
int tmm_chan_trysend(tmm_chan_t *ch, const void *elem); /* EAGAIN */
int tmm_chan_tryrecv(tmm_chan_t *ch, void *elem);	/* EAGAIN */
int tmm_chan_timedsend(tmm_chan_t *ch, const void *elem, uint64_t timeout_ns);
int tmm_chan_timedrecv(tmm_chan_t *ch, void *elem, uint64_t timeout_ns);
/* After close, send is EPIPE; recv drains what is buffered, then EPIPE. */
int tmm_chan_close(tmm_chan_t *ch);
int tmm_chan_destroy(tmm_chan_t *ch);

/* ---- Thread-local data --------------------------------------------------------
 *
 * Per tmm thread (not per kernel thread).  Destructors of non-NULL values run
 * when the thread ends, in up to 4 passes if they store new values.
 */

typedef unsigned int tmm_key_t;

int tmm_key_create(tmm_key_t *key, void (*destructor)(void *));
int tmm_key_delete(tmm_key_t key);
int tmm_setspecific(tmm_key_t key, const void *value);
void *tmm_getspecific(tmm_key_t key);

#ifdef __cplusplus
}
#endif
#endif /* TMM_H */
