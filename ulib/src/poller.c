/*
 * poller.c — the epoll poller of M:1 and M:N, and the descriptor table.
 *
 * Concepts (after Go's netpoll):
 *
 *   entry    struct tmm_fd, one per descriptor number, in a table of chunks
 *            allocated on first use and kept for the life of the process (a
 *            late reader never touches freed memory).  It holds the parked
 *            threads (waiters, on their own stacks) and a sequence number
 *            bumped by every event.
 *   poller   one epoll instance, descriptors added edge-triggered once for
 *            input and output, plus an eventfd that interrupts epoll_wait.
 *            No thread of its own: an idle worker becomes the poller and
 *            waits in epoll_wait no longer than the nearest timer (so timers
 *            and I/O are one wait), and a busy worker collects events without
 *            blocking whenever its run queue runs dry.
 *
 * A call reads the entry's sequence number, tries the system call and, on
 * EAGAIN, enqueues a waiter only if the number did not move meanwhile (an
 * edge that came between would otherwise be lost), then parks.  The poller
 * bumps the number and unparks the waiters interested in the event; the
 * woken thread tries its call again.  A wait on several descriptors
 * (tmm_poll) enqueues one waiter per descriptor, all sharing a group whose
 * "fired" flag lets exactly one waker unpark the thread.
 *
 * Closing: epoll forgets a closed descriptor silently, so tmm_close() wakes
 * the waiters with EBADF first.  For a plain close(), a safety net: while
 * threads wait and no event came for a while (SCAN_MIN_NS, doubling up to
 * SCAN_MAX_NS while scans find nothing), the poller re-arms every waited-on
 * descriptor with EPOLL_CTL_MOD; EBADF (closed) wakes its waiters with
 * EBADF, ENOENT (the number now names another file) adds it again.  While
 * events keep coming a scan still runs every SCAN_MAX_NS: one system call
 * per waiting descriptor, so not more often (10,000 idle keep-alive
 * connections scanned every second cost a sixth of the HTTP benchmark's
 * system calls).
 *
 * Rejected: a dedicated poller kernel thread (one more wake-up and switch per
 * event, and the idle worker is asleep anyway); level-triggered registration
 * (every wait would need an EPOLL_CTL_MOD or DEL); per-worker epoll
 * instances (a thread may wake on any worker).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "poller.h"
#include "runtime.h"
#include "sched_user.h"

#define FD_CHUNK 1024
#define FD_CHUNKS 4096 /* descriptor numbers up to 4 Mi */
#define EVENTS_PER_WAIT 256
#define EVFD_TAG UINT64_MAX
#define SCAN_MIN_NS (20u * 1000 * 1000)
#define SCAN_MAX_NS (10000ull * 1000 * 1000)
#define STACK_WAITERS 4
#define EPOLL_INTEREST (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLET)

struct tmm_io_group {
	struct tmm_thread *thread;
	int fired; /* atomic: the first waker sets it and unparks */
	int result;
};

struct tmm_io_waiter {
	struct tmm_io_waiter *next, *prev;
	struct tmm_io_group *group;
	short events;
	int linked;
};

static struct tmm_fd *fd_chunks[FD_CHUNKS];

static struct {
	struct tmm_spin open_lock;
	int ready; /* atomic: epfd and evfd are valid */
	int epfd, evfd;
	unsigned int epoch;  /* counts epoll instances, so stale registrations show */
	const void *owner;   /* the idle worker acting as the poller, atomic */
	const void *blocked; /* the worker inside epoll_wait, atomic */
	int nwaiting;	     /* parked threads, atomic */
	int busy_polling;    /* atomic: one non-blocking poll at a time */
	struct tmm_spin scan_lock;
	uint64_t last_event, last_scan, scan_period; /* atomic */
} poller;

__attribute__((noinline, noipa)) TMM_API int *tmm_errno_location(void)
{
	return &errno;
}

/* ---- the descriptor table ------------------------------------------------------ */

struct tmm_fd *tmm_fd_entry(int fd)
{
	struct tmm_fd *chunk, *fresh = 0;
	unsigned int i;

	if (fd < 0 || (unsigned int)fd >= FD_CHUNK * FD_CHUNKS)
		return 0;
	i = (unsigned int)fd / FD_CHUNK;
	chunk = __atomic_load_n(&fd_chunks[i], __ATOMIC_ACQUIRE);
	if (!chunk) {
		fresh = calloc(FD_CHUNK, sizeof(*fresh));
		if (!fresh)
			return 0;
		if (__atomic_compare_exchange_n(&fd_chunks[i], &chunk, fresh, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			chunk = fresh;
		else
			free(fresh); /* another thread won; chunk now holds its */
	}
	return &chunk[(unsigned int)fd % FD_CHUNK];
}

int tmm_fd_prepare(struct tmm_fd *e, int fd)
{
	int kind = __atomic_load_n(&e->kind, __ATOMIC_ACQUIRE), flags;
	struct stat st;

	if (kind != TMM_FD_UNKNOWN)
		return kind;
	if (fstat(fd, &st))
		return TMM_FD_UNKNOWN;
	/* Regular files, directories and block devices are always "ready" to epoll. */
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode)) {
		kind = TMM_FD_BLOCKING;
	} else {
		flags = fcntl(fd, F_GETFL);
		if (flags < 0 || (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK)))
			return TMM_FD_UNKNOWN;
		kind = TMM_FD_POLLABLE;
	}
	__atomic_store_n(&e->kind, kind, __ATOMIC_RELEASE);
	return kind;
}

void tmm_fd_reset_pollable(struct tmm_fd *e)
{
	tmm_spin_lock(&e->lock);
	e->registered = 0;
	__atomic_store_n(&e->kind, TMM_FD_POLLABLE, __ATOMIC_RELEASE);
	tmm_spin_unlock(&e->lock);
}

/* ---- waking waiters ------------------------------------------------------------ */

static void unlink_waiter(struct tmm_fd *e, struct tmm_io_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		e->waiters = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->next = w->prev = 0;
	w->linked = 0;
}

/* e->lock held; the unpark happens under it, so a dequeuer knows it is done. */
static void fire(struct tmm_fd *e, struct tmm_io_waiter *w, int result)
{
	struct tmm_io_group *g = w->group;

	unlink_waiter(e, w);
	if (!__atomic_exchange_n(&g->fired, 1, __ATOMIC_ACQ_REL)) {
		g->result = result;
		tmm_unpark(g->thread);
	}
}

/* e->lock held: wakes the waiters interested in @revents (poll bits). */
static void fire_matching(struct tmm_fd *e, short revents, int result)
{
	struct tmm_io_waiter *w = e->waiters, *next;

	for (; w; w = next) {
		next = w->next;
		if (w->events & revents)
			fire(e, w, result);
	}
}

void tmm_fd_closing(struct tmm_fd *e, int fd)
{
	tmm_spin_lock(&e->lock);
	__atomic_fetch_add(&e->gen, 1, __ATOMIC_ACQ_REL);
	/* A thread between its EAGAIN and its enqueue sees the number move and retries. */
	__atomic_fetch_add(&e->seq, 1, __ATOMIC_ACQ_REL);
	fire_matching(e, (short)0xffff, EBADF);
	if (__atomic_load_n(&poller.ready, __ATOMIC_ACQUIRE) && e->registered == poller.epoch)
		epoll_ctl(poller.epfd, EPOLL_CTL_DEL, fd, 0);
	e->registered = 0;
	__atomic_store_n(&e->kind, TMM_FD_UNKNOWN, __ATOMIC_RELEASE);
	tmm_spin_unlock(&e->lock);
}

/* ---- the epoll instance -------------------------------------------------------- */

static int poller_open(void)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EVFD_TAG};
	int err = 0;

	if (__atomic_load_n(&poller.ready, __ATOMIC_ACQUIRE))
		return 0;
	tmm_spin_lock(&poller.open_lock);
	if (!poller.ready) {
		poller.epfd = epoll_create1(EPOLL_CLOEXEC);
		poller.evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (poller.epfd < 0 || poller.evfd < 0 ||
		    epoll_ctl(poller.epfd, EPOLL_CTL_ADD, poller.evfd, &ev)) {
			err = errno;
			if (poller.epfd >= 0)
				close(poller.epfd);
			if (poller.evfd >= 0)
				close(poller.evfd);
		} else {
			poller.epoch++;
			poller.scan_period = SCAN_MIN_NS;
			poller.last_event = poller.last_scan = tmm_now_ns();
			__atomic_store_n(&poller.ready, 1, __ATOMIC_RELEASE);
		}
	}
	tmm_spin_unlock(&poller.open_lock);
	return err;
}

void tmm_poller_fini(void)
{
	if (!poller.ready)
		return;
	close(poller.epfd);
	close(poller.evfd);
	poller.ready = 0;
	poller.owner = poller.blocked = 0;
	poller.nwaiting = 0;
}

static int fd_register(struct tmm_fd *e, int fd)
{
	struct epoll_event ev = {.events = EPOLL_INTEREST, .data.u64 = (uint64_t)fd};

	if (__atomic_load_n(&e->registered, __ATOMIC_ACQUIRE) == poller.epoch)
		return 0;
	if (epoll_ctl(poller.epfd, EPOLL_CTL_ADD, fd, &ev) && errno != EEXIST) {
		if (errno == EPERM)
			__atomic_store_n(&e->kind, TMM_FD_BLOCKING, __ATOMIC_RELEASE);
		return errno;
	}
	__atomic_store_n(&e->registered, poller.epoch, __ATOMIC_RELEASE);
	return 0;
}

static short poll_bits(uint32_t ev)
{
	short bits = 0;

	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLPRI))
		bits |= POLLIN | POLLPRI | POLLRDHUP;
	if (ev & EPOLLOUT)
		bits |= POLLOUT;
	if (ev & (EPOLLERR | EPOLLHUP))
		bits = (short)0xffff;
	return bits;
}

static void dispatch(const struct epoll_event *evs, int n)
{
	int i, real = 0;

	for (i = 0; i < n; i++) {
		struct tmm_fd *e;
		uint64_t drain;

		if (evs[i].data.u64 == EVFD_TAG) {
			if (read(poller.evfd, &drain, sizeof(drain)) < 0)
				continue; /* already drained by another poll */
			continue;
		}
		e = tmm_fd_entry((int)evs[i].data.u64);
		if (!e)
			continue;
		real = 1;
		tmm_spin_lock(&e->lock);
		__atomic_fetch_add(&e->seq, 1, __ATOMIC_ACQ_REL);
		fire_matching(e, poll_bits(evs[i].events), 0);
		tmm_spin_unlock(&e->lock);
	}
	if (real) {
		__atomic_store_n(&poller.last_event, tmm_now_ns(), __ATOMIC_RELAXED);
		__atomic_store_n(&poller.scan_period, SCAN_MIN_NS, __ATOMIC_RELAXED);
	}
}

/* ---- the safety net for descriptors closed with close() ------------------------ */

/* Returns 1 if the descriptor behind @e is gone (its waiters were told). */
static int revalidate(struct tmm_fd *e, int fd)
{
	struct epoll_event ev = {.events = EPOLL_INTEREST, .data.u64 = (uint64_t)fd};

	/* MOD re-arms the edge too: anything ready is reported again. */
	if (!epoll_ctl(poller.epfd, EPOLL_CTL_MOD, fd, &ev))
		return 0;
	if (errno == ENOENT && !epoll_ctl(poller.epfd, EPOLL_CTL_ADD, fd, &ev))
		return 0;
	tmm_spin_lock(&e->lock);
	__atomic_fetch_add(&e->seq, 1, __ATOMIC_ACQ_REL);
	fire_matching(e, (short)0xffff, EBADF);
	e->registered = 0;
	__atomic_store_n(&e->kind, TMM_FD_UNKNOWN, __ATOMIC_RELEASE);
	tmm_spin_unlock(&e->lock);
	return 1;
}

/* When the next scan is due (UINT64_MAX: nobody waits). */
static uint64_t scan_due(void)
{
	uint64_t period = __atomic_load_n(&poller.scan_period, __ATOMIC_RELAXED);
	uint64_t last = __atomic_load_n(&poller.last_scan, __ATOMIC_RELAXED);
	uint64_t quiet = __atomic_load_n(&poller.last_event, __ATOMIC_RELAXED);

	if (!__atomic_load_n(&poller.nwaiting, __ATOMIC_ACQUIRE))
		return UINT64_MAX;
	/* Events flowing put it off, but never past SCAN_MAX_NS. */
	quiet = (quiet > last ? quiet : last) + period;
	return quiet < last + SCAN_MAX_NS ? quiet : last + SCAN_MAX_NS;
}

static void maybe_scan(void)
{
	uint64_t now = tmm_now_ns(), period;
	unsigned int c, i;
	int found = 0;

	if (now < scan_due() || !tmm_spin_trylock(&poller.scan_lock))
		return;
	for (c = 0; c < FD_CHUNKS; c++) {
		struct tmm_fd *chunk = __atomic_load_n(&fd_chunks[c], __ATOMIC_ACQUIRE);

		for (i = 0; chunk && i < FD_CHUNK; i++)
			if (__atomic_load_n(&chunk[i].waiters, __ATOMIC_ACQUIRE))
				found |= revalidate(&chunk[i], (int)(c * FD_CHUNK + i));
	}
	period = __atomic_load_n(&poller.scan_period, __ATOMIC_RELAXED) * 2;
	__atomic_store_n(&poller.scan_period,
			 found			? SCAN_MIN_NS
			 : period < SCAN_MAX_NS ? period
						: SCAN_MAX_NS,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&poller.last_scan, tmm_now_ns(), __ATOMIC_RELAXED);
	tmm_spin_unlock(&poller.scan_lock);
}

/* ---- waiting in epoll ------------------------------------------------------------ */

static int epoll_until(struct epoll_event *evs, uint64_t deadline)
{
	struct timespec ts;
	uint64_t now, left;
	int n;

	if (deadline == UINT64_MAX)
		return epoll_wait(poller.epfd, evs, EVENTS_PER_WAIT, -1);
	now = tmm_now_ns();
	left = deadline > now ? deadline - now : 0;
	ts.tv_sec = (time_t)(left / 1000000000u);
	ts.tv_nsec = (long)(left % 1000000000u);
	n = epoll_pwait2(poller.epfd, evs, EVENTS_PER_WAIT, &ts, 0);
	if (n < 0 && errno == ENOSYS) /* before Linux 5.11: milliseconds, rounded up */
		n = epoll_wait(poller.epfd, evs, EVENTS_PER_WAIT,
			       (int)((left + 999999) / 1000000 > 1000000
					 ? 1000000
					 : (left + 999999) / 1000000));
	return n;
}

int tmm_poller_idle_wait(const void *worker, int *wake, uint64_t deadline)
{
	struct epoll_event evs[EVENTS_PER_WAIT];
	const void *none = 0;
	uint64_t scan;
	int saved = errno, n = 0;

	if (!__atomic_load_n(&poller.ready, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&poller.nwaiting, __ATOMIC_ACQUIRE) ||
	    !__atomic_compare_exchange_n(&poller.owner, &none, worker, 0, __ATOMIC_SEQ_CST,
					 __ATOMIC_RELAXED))
		return 0;
	scan = scan_due();
	if (scan < deadline)
		deadline = scan;
	/* Announce, then look: a waker either sees us blocked or we see its word. */
	__atomic_store_n(&poller.blocked, worker, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(wake, __ATOMIC_SEQ_CST))
		n = epoll_until(evs, deadline);
	__atomic_store_n(&poller.blocked, 0, __ATOMIC_SEQ_CST);
	if (n > 0)
		dispatch(evs, n);
	maybe_scan();
	__atomic_store_n(&poller.owner, 0, __ATOMIC_SEQ_CST);
	errno = saved;
	return 1;
}

void tmm_poller_poll_now(void)
{
	struct epoll_event evs[EVENTS_PER_WAIT];
	int saved, n;

	if (!__atomic_load_n(&poller.nwaiting, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&poller.ready, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&poller.blocked, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&poller.busy_polling, 1, __ATOMIC_ACQUIRE))
		return;
	saved = errno;
	n = epoll_wait(poller.epfd, evs, EVENTS_PER_WAIT, 0);
	if (n > 0)
		dispatch(evs, n);
	maybe_scan();
	__atomic_store_n(&poller.busy_polling, 0, __ATOMIC_RELEASE);
	errno = saved;
}

void tmm_poller_kick(const void *worker)
{
	uint64_t one = 1;
	int saved;

	if (__atomic_load_n(&poller.blocked, __ATOMIC_SEQ_CST) != worker || !worker)
		return;
	saved = errno;
	if (write(poller.evfd, &one, sizeof(one)) < 0)
		(void)0; /* EAGAIN: the counter is full, epoll_wait returns anyway */
	errno = saved;
}

int tmm_poller_unwatched(void)
{
	return __atomic_load_n(&poller.nwaiting, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&poller.owner, __ATOMIC_ACQUIRE);
}

/* ---- parking on descriptors ------------------------------------------------------ */

static void dequeue(struct tmm_io_want *wants, struct tmm_io_waiter *ws, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		tmm_spin_lock(&wants[i].entry->lock);
		if (ws[i].linked)
			unlink_waiter(wants[i].entry, &ws[i]);
		tmm_spin_unlock(&wants[i].entry->lock);
	}
}

/* Links a waiter on each descriptor; returns how many, n when all, or sets *err. */
static unsigned int enqueue(struct tmm_io_want *wants, struct tmm_io_waiter *ws, unsigned int n,
			    struct tmm_io_group *g, int *err)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct tmm_fd *e = wants[i].entry;

		*err = fd_register(e, wants[i].fd);
		if (*err)
			return i;
		tmm_spin_lock(&e->lock);
		if (tmm_fd_seq(e) != wants[i].seq) {
			tmm_spin_unlock(&e->lock);
			return i; /* an event came meanwhile: try the call again */
		}
		ws[i] = (struct tmm_io_waiter){.next = e->waiters, .group = g, .linked = 1};
		ws[i].events = (short)(wants[i].events | POLLERR | POLLHUP);
		if (e->waiters)
			e->waiters->prev = &ws[i];
		__atomic_store_n(&e->waiters, &ws[i], __ATOMIC_RELEASE);
		tmm_spin_unlock(&e->lock);
	}
	return n;
}

static int park_until_fired(struct tmm_io_group *g, uint64_t deadline)
{
	int rc = 0;

	__atomic_fetch_add(&poller.nwaiting, 1, __ATOMIC_SEQ_CST);
	/* No worker sits in epoll_wait: get an idle one to (M:N). */
	if (tmm_poller_unwatched())
		tmm_user_want_poller();
	/* Always park: the waker's unpark must be consumed here, not by a later park. */
	do
		rc = tmm_park(0, deadline);
	while (!rc && !__atomic_load_n(&g->fired, __ATOMIC_ACQUIRE));
	__atomic_fetch_sub(&poller.nwaiting, 1, __ATOMIC_SEQ_CST);
	return rc;
}

int tmm_io_wait(struct tmm_io_want *wants, unsigned int n, uint64_t deadline)
{
	struct tmm_io_waiter stack_ws[STACK_WAITERS], *ws = stack_ws;
	struct tmm_io_group g = {.thread = tmm_current()};
	unsigned int linked;
	int err = poller_open(), rc;

	if (err)
		return err;
	if (n > STACK_WAITERS && !(ws = calloc(n, sizeof(*ws))))
		return ENOMEM;
	linked = enqueue(wants, ws, n, &g, &err);
	if (linked < n) {
		dequeue(wants, ws, linked);
		rc = err;
		goto out;
	}
	rc = park_until_fired(&g, deadline);
	dequeue(wants, ws, n);
	/* Every waker fired under a lock dequeue took since: its unpark is done. */
	if (__atomic_exchange_n(&g.fired, 1, __ATOMIC_ACQ_REL)) {
		if (rc)
			tmm_park(0, 0); /* consume the permit the late waker left */
		rc = g.result;
	}
out:
	if (ws != stack_ws)
		free(ws);
	return rc;
}
