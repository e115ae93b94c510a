/*
 * io.c — tmm_io.h: the libc I/O calls, parking the tmm thread instead of the
 * kernel thread (Documentation/ulib/io.md).
 *
 * Every call is one operation (a function over its arguments) run by do_io:
 *
 *   M:1, M:N  classify the descriptor on first use (non-blocking mode for
 *             anything pollable), try the operation, and on EAGAIN park on
 *             the poller (poller.c) until an event, the deadline or a close;
 *             then try again.  Regular files take the plain blocking call.
 *   1:1, and callers that are not tmm threads
 *             the kernel's own blocking call; the timed variants poll()
 *             first.  tmm_close() shuts a socket down first if a thread is
 *             inside a call on it, so that call returns (with EBADF).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "poller.h"
#include "runtime.h"
#include "tmm_io.h"

#define NO_TIMEOUT UINT64_MAX

typedef ssize_t (*io_op)(int fd, void *args);

static int parks_on_poller(void)
{
	return tmm_rt.started && tmm_rt.model != TMM_1TO1 && tmm_current();
}

static uint64_t deadline_of(uint64_t timeout_ns)
{
	return timeout_ns == NO_TIMEOUT ? 0 : tmm_deadline(timeout_ns);
}

/* poll(2) one descriptor until @deadline (0: none); returns poll's result. */
static int poll_one(int fd, short events, uint64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	struct timespec ts;
	uint64_t now, left;
	int r;

	do {
		if (!deadline) {
			r = ppoll(&p, 1, 0, 0);
			continue;
		}
		now = tmm_now_ns();
		left = deadline > now ? deadline - now : 0;
		ts.tv_sec = (time_t)(left / 1000000000u);
		ts.tv_nsec = (long)(left % 1000000000u);
		r = ppoll(&p, 1, &ts, 0);
	} while (r < 0 && errno == EINTR);
	return r;
}

static int would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

/*
 * A timed call must not block past its deadline in the call itself (a pipe
 * write larger than the free space would): non-blocking for the duration.
 * Returns the flags to restore, or -1 when there is nothing to restore.
 */
static int nonblock_for_now(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || (flags & O_NONBLOCK) || fcntl(fd, F_SETFL, flags | O_NONBLOCK))
		return -1;
	return flags;
}

/* The kernel's own call: 1:1, threads tmm did not create, no table entry. */
static ssize_t kernel_io(struct tmm_fd *e, int fd, short events, uint64_t timeout_ns, io_op op,
			 void *args)
{
	uint64_t deadline = deadline_of(timeout_ns);
	unsigned int gen = e ? __atomic_load_n(&e->gen, __ATOMIC_ACQUIRE) : 0;
	int err, restore = deadline ? nonblock_for_now(fd) : -1;
	ssize_t r;

	if (e)
		__atomic_fetch_add(&e->inflight, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		if (deadline && (r = poll_one(fd, events, deadline)) <= 0) {
			if (!r)
				errno = ETIMEDOUT, r = -1;
			break;
		}
		r = op(fd, args);
		/* EAGAIN: non-blocking (above, by M:1 or M:N, or by the user): poll, retry. */
		if (r >= 0 || !would_block() || (!deadline && poll_one(fd, events, 0) < 0))
			break;
	}
	err = errno;
	if (restore >= 0)
		fcntl(fd, F_SETFL, restore);
	if (e) {
		__atomic_fetch_sub(&e->inflight, 1, __ATOMIC_SEQ_CST);
		if (r <= 0 && __atomic_load_n(&e->gen, __ATOMIC_ACQUIRE) != gen)
			r = -1, err = EBADF; /* tmm_close()d while we were inside */
	}
	errno = err;
	return r;
}

/* epoll refuses the descriptor: back to blocking mode and the plain call. */
static ssize_t blocking_io(int fd, io_op op, void *args)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags >= 0 && (flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return op(fd, args);
}

static ssize_t do_io(int fd, short events, uint64_t timeout_ns, io_op op, void *args)
{
	struct tmm_fd *e = tmm_fd_entry(fd);
	uint64_t deadline;
	int kind, err;

	if (!e || !parks_on_poller())
		return e || fd >= 0 ? kernel_io(e, fd, events, timeout_ns, op, args) : op(fd, args);
	kind = tmm_fd_prepare(e, fd);
	if (kind == TMM_FD_UNKNOWN)
		return -1; /* errno from fstat or fcntl: EBADF */
	if (kind == TMM_FD_BLOCKING)
		return op(fd, args); /* regular files are always "ready" */
	deadline = deadline_of(timeout_ns);
	for (;;) {
		struct tmm_io_want want = {.entry = e, .fd = fd, .events = events};
		ssize_t r;

		want.seq = tmm_fd_seq(e);
		r = op(fd, args);
		if (r >= 0 || !would_block())
			return r;
		if (deadline && tmm_now_ns() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		err = tmm_io_wait(&want, 1, deadline);
		if (err == EPERM)
			return blocking_io(fd, op, args);
		if (err) {
			errno = err;
			return -1;
		}
	}
}

/* ---- the operations ------------------------------------------------------------ */

struct io_args {
	void *buf;
	const void *cbuf;
	size_t len;
	const struct iovec *iov;
	int iovcnt;
	int flags;
	struct sockaddr *addr;
	const struct sockaddr *caddr;
	socklen_t *addrlen;
	socklen_t caddrlen;
};

static ssize_t op_read(int fd, void *a)
{
	struct io_args *x = a;

	return read(fd, x->buf, x->len);
}

static ssize_t op_write(int fd, void *a)
{
	struct io_args *x = a;

	return write(fd, x->cbuf, x->len);
}

static ssize_t op_readv(int fd, void *a)
{
	struct io_args *x = a;

	return readv(fd, x->iov, x->iovcnt);
}

static ssize_t op_writev(int fd, void *a)
{
	struct io_args *x = a;

	return writev(fd, x->iov, x->iovcnt);
}

static ssize_t op_recvfrom(int fd, void *a)
{
	struct io_args *x = a;

	return recvfrom(fd, x->buf, x->len, x->flags, x->addr, x->addrlen);
}

static ssize_t op_sendto(int fd, void *a)
{
	struct io_args *x = a;

	return sendto(fd, x->cbuf, x->len, x->flags, x->caddr, x->caddrlen);
}

static ssize_t op_accept(int fd, void *a)
{
	struct io_args *x = a;

	return accept4(fd, x->addr, x->addrlen, x->flags);
}

/* ---- the calls ------------------------------------------------------------------- */

TMM_API ssize_t tmm_read_timeout(int fd, void *buf, size_t count, uint64_t timeout_ns)
{
	struct io_args a = {.buf = buf, .len = count};

	return do_io(fd, POLLIN, timeout_ns, op_read, &a);
}

TMM_API ssize_t tmm_write_timeout(int fd, const void *buf, size_t count, uint64_t timeout_ns)
{
	struct io_args a = {.cbuf = buf, .len = count};

	return do_io(fd, POLLOUT, timeout_ns, op_write, &a);
}

TMM_API ssize_t tmm_readv_timeout(int fd, const struct iovec *iov, int iovcnt, uint64_t timeout_ns)
{
	struct io_args a = {.iov = iov, .iovcnt = iovcnt};

	return do_io(fd, POLLIN, timeout_ns, op_readv, &a);
}

TMM_API ssize_t tmm_writev_timeout(int fd, const struct iovec *iov, int iovcnt, uint64_t timeout_ns)
{
	struct io_args a = {.iov = iov, .iovcnt = iovcnt};

	return do_io(fd, POLLOUT, timeout_ns, op_writev, &a);
}

TMM_API ssize_t tmm_recvfrom_timeout(int fd, void *buf, size_t len, int flags, struct sockaddr *src,
				     socklen_t *srclen, uint64_t timeout_ns)
{
	struct io_args a = {.buf = buf, .len = len, .flags = flags, .addr = src, .addrlen = srclen};

	return do_io(fd, POLLIN, timeout_ns, op_recvfrom, &a);
}

TMM_API ssize_t tmm_sendto_timeout(int fd, const void *buf, size_t len, int flags,
				   const struct sockaddr *dst, socklen_t dstlen,
				   uint64_t timeout_ns)
{
	struct io_args a = {
	    .cbuf = buf, .len = len, .flags = flags, .caddr = dst, .caddrlen = dstlen};

	return do_io(fd, POLLOUT, timeout_ns, op_sendto, &a);
}

TMM_API ssize_t tmm_recv_timeout(int fd, void *buf, size_t len, int flags, uint64_t timeout_ns)
{
	return tmm_recvfrom_timeout(fd, buf, len, flags, 0, 0, timeout_ns);
}

TMM_API ssize_t tmm_send_timeout(int fd, const void *buf, size_t len, int flags,
				 uint64_t timeout_ns)
{
	return tmm_sendto_timeout(fd, buf, len, flags, 0, 0, timeout_ns);
}

TMM_API int tmm_accept_timeout(int fd, struct sockaddr *addr, socklen_t *addrlen,
			       uint64_t timeout_ns)
{
	struct io_args a = {.addr = addr, .addrlen = addrlen};
	int user = parks_on_poller();
	struct tmm_fd *e;
	int conn;

	/* The new descriptor starts non-blocking under M:1 and M:N: no fcntl later. */
	a.flags = user ? SOCK_NONBLOCK : 0;
	conn = (int)do_io(fd, POLLIN, timeout_ns, op_accept, &a);
	if (conn >= 0 && user && (e = tmm_fd_entry(conn)))
		tmm_fd_reset_pollable(e);
	return conn;
}

TMM_API ssize_t tmm_read(int fd, void *buf, size_t count)
{
	return tmm_read_timeout(fd, buf, count, NO_TIMEOUT);
}

TMM_API ssize_t tmm_write(int fd, const void *buf, size_t count)
{
	return tmm_write_timeout(fd, buf, count, NO_TIMEOUT);
}

TMM_API ssize_t tmm_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return tmm_readv_timeout(fd, iov, iovcnt, NO_TIMEOUT);
}

TMM_API ssize_t tmm_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return tmm_writev_timeout(fd, iov, iovcnt, NO_TIMEOUT);
}

TMM_API ssize_t tmm_recv(int fd, void *buf, size_t len, int flags)
{
	return tmm_recv_timeout(fd, buf, len, flags, NO_TIMEOUT);
}

TMM_API ssize_t tmm_send(int fd, const void *buf, size_t len, int flags)
{
	return tmm_send_timeout(fd, buf, len, flags, NO_TIMEOUT);
}

TMM_API ssize_t tmm_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *src,
			     socklen_t *srclen)
{
	return tmm_recvfrom_timeout(fd, buf, len, flags, src, srclen, NO_TIMEOUT);
}

TMM_API ssize_t tmm_sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *dst, socklen_t dstlen)
{
	return tmm_sendto_timeout(fd, buf, len, flags, dst, dstlen, NO_TIMEOUT);
}

TMM_API int tmm_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
	return tmm_accept_timeout(fd, addr, addrlen, NO_TIMEOUT);
}

TMM_API int tmm_close(int fd)
{
	struct tmm_fd *e = tmm_fd_entry(fd);

	if (e && tmm_rt.started && tmm_rt.model != TMM_1TO1) {
		tmm_fd_closing(e, fd);
	} else if (e) {
		__atomic_fetch_add(&e->gen, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&e->kind, TMM_FD_UNKNOWN, __ATOMIC_RELEASE);
		/* A thread blocked in the kernel on it: a socket's shutdown wakes it. */
		if (__atomic_load_n(&e->inflight, __ATOMIC_SEQ_CST))
			shutdown(fd, SHUT_RDWR);
	}
	return close(fd);
}

/* ---- connect ---------------------------------------------------------------------- */

/* The outcome of a connect in progress, once the socket is writable. */
static int connect_result(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* Waits for a connect in progress to finish: 0 when done, else -1 and errno. */
static int connect_wait(struct tmm_fd *e, int fd, uint64_t deadline, int user)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	for (;;) {
		struct tmm_io_want want = {.entry = e, .fd = fd, .events = POLLOUT};
		int r, err;

		if (user)
			want.seq = tmm_fd_seq(e);
		/* M:1, M:N: look, then park; 1:1: poll until the deadline. */
		r = user ? poll(&p, 1, 0) : poll_one(fd, POLLOUT, deadline);
		if (r > 0)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (!user || (deadline && tmm_now_ns() >= deadline)) {
			errno = ETIMEDOUT;
			return -1;
		}
		err = tmm_io_wait(&want, 1, deadline);
		if (err) {
			errno = err;
			return -1;
		}
	}
}

TMM_API int tmm_connect_timeout(int fd, const struct sockaddr *addr, socklen_t addrlen,
				uint64_t timeout_ns)
{
	struct tmm_fd *e = tmm_fd_entry(fd);
	int user = e && parks_on_poller(), flags = -1, waited, r;
	uint64_t deadline = deadline_of(timeout_ns);

	if (user && tmm_fd_prepare(e, fd) != TMM_FD_POLLABLE)
		return e->kind == TMM_FD_UNKNOWN ? -1 : connect(fd, addr, addrlen);
	if (!user && !deadline)
		return connect(fd, addr, addrlen);
	if (!user) /* 1:1 with a timeout: non-blocking for the duration */
		flags = nonblock_for_now(fd);
	r = connect(fd, addr, addrlen);
	waited = r && errno == EINPROGRESS;
	if (waited)
		r = connect_wait(e, fd, deadline, user);
	if (!r && waited)
		r = connect_result(fd);
	if (flags >= 0) {
		int saved = errno;

		fcntl(fd, F_SETFL, flags);
		errno = saved;
	}
	return r;
}

TMM_API int tmm_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
	return tmm_connect_timeout(fd, addr, addrlen, NO_TIMEOUT);
}
