/*
 * poller.h — the epoll poller of the user-level models and the descriptor
 * table behind tmm_io.h (poller.c; Documentation/ulib/io.md).
 *
 * A tmm thread whose call would block parks on the descriptor's entry; the
 * poller turns epoll events into unparks.  Nobody runs a poller thread: an
 * idle worker waits in epoll_wait (bounded by the nearest timer) instead of
 * on its futex, and a busy worker polls without blocking when its run queue
 * runs dry (the hooks in sched_user.c).
 */
#ifndef TMM_POLLER_H
#define TMM_POLLER_H

#include <poll.h>
#include <stdint.h>

#include "spin.h"

struct tmm_io_waiter;

/* What tmm knows of one descriptor number. */
struct tmm_fd {
	struct tmm_spin lock;	       /* guards waiters and registered */
	unsigned int seq;	       /* readiness events seen, atomic */
	unsigned int gen;	       /* tmm_close()s of this number, atomic */
	int kind;		       /* enum tmm_fd_kind, atomic */
	unsigned int registered;       /* the poller epoch it was added to epoll in */
	int inflight;		       /* 1:1: threads inside a call on it, atomic */
	struct tmm_io_waiter *waiters; /* parked threads */
};

enum tmm_fd_kind {
	TMM_FD_UNKNOWN,
	TMM_FD_POLLABLE, /* non-blocking, parks on the poller */
	TMM_FD_BLOCKING, /* a regular file or anything epoll refuses: plain calls */
};

/* The entry of @fd (NULL: a negative or too large number, or no memory). */
struct tmm_fd *tmm_fd_entry(int fd);
/*
 * Under M:1 and M:N: classifies @fd on first use, putting a pollable one in
 * non-blocking mode.  Returns its kind, or TMM_FD_UNKNOWN with errno set
 * (EBADF for a descriptor that is not open).
 */
int tmm_fd_prepare(struct tmm_fd *e, int fd);
/* The entry was reused for a new descriptor known to be non-blocking (accept4). */
void tmm_fd_reset_pollable(struct tmm_fd *e);

static inline unsigned int tmm_fd_seq(struct tmm_fd *e)
{
	return __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
}

/* One descriptor a wait is for: its entry, poll(2) events, and the seq read before trying. */
struct tmm_io_want {
	struct tmm_fd *entry;
	int fd;
	short events;
	unsigned int seq;
};

/*
 * Parks the calling tmm thread until one of @wants saw an event since its
 * seq, the absolute @deadline (0: none), or a close of one of them.  Returns
 * 0 (try again), ETIMEDOUT, EBADF (closed meanwhile) or EPERM (epoll refuses
 * the descriptor: it is marked blocking).
 */
int tmm_io_wait(struct tmm_io_want *wants, unsigned int n, uint64_t deadline);

/* tmm_close under M:1 and M:N: wakes its waiters with EBADF, forgets it. */
void tmm_fd_closing(struct tmm_fd *e, int fd);

/* tmm_errno_location() (tmm_io.h) is defined in poller.c. */

/* Hooks of the scheduler (sched_user.c). */
/* An idle worker: waits in epoll_wait if it becomes the poller; 0 if it did not. */
int tmm_poller_idle_wait(const void *worker, int *wake, uint64_t deadline);
/* A busy worker: collects ready events without blocking, if anyone waits. */
void tmm_poller_poll_now(void);
/* @worker was told to wake: interrupt its epoll_wait if it sits in one. */
void tmm_poller_kick(const void *worker);
/* Threads are parked on I/O and no worker sits in epoll_wait. */
int tmm_poller_unwatched(void);
/* tmm_fini: closes the epoll instance (the table stays for the next tmm_init). */
void tmm_poller_fini(void);

#endif /* TMM_POLLER_H */
