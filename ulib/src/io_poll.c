/*
 * io_poll.c — tmm_poll: poll(2) that parks the tmm thread (tmm_io.h).
 *
 * Under M:1 and M:N: look with poll() and a zero timeout; if nothing is
 * ready, park on every descriptor's poller entry at once (one waiter each,
 * one wake-up for all) and look again when woken.  Under 1:1 and for
 * threads tmm did not create: the kernel's poll.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "poller.h"
#include "runtime.h"
#include "tmm_io.h"

#define STACK_WANTS 8

static int kernel_poll(struct pollfd *fds, nfds_t nfds, uint64_t deadline)
{
	struct timespec ts;
	uint64_t now, left;

	if (!deadline)
		return ppoll(fds, nfds, 0, 0);
	now = tmm_now_ns();
	left = deadline > now ? deadline - now : 0;
	ts.tv_sec = (time_t)(left / 1000000000u);
	ts.tv_nsec = (long)(left % 1000000000u);
	return ppoll(fds, nfds, &ts, 0);
}

/* The descriptors worth waiting for; returns how many, or -1 with errno. */
static int collect_wants(struct pollfd *fds, nfds_t nfds, struct tmm_io_want *wants)
{
	nfds_t i;
	int n = 0;

	for (i = 0; i < nfds; i++) {
		struct tmm_fd *e = tmm_fd_entry(fds[i].fd);

		if (fds[i].fd < 0)
			continue; /* poll ignores it */
		if (!e) {
			errno = ENOMEM;
			return -1;
		}
		wants[n] =
		    (struct tmm_io_want){.entry = e, .fd = fds[i].fd, .events = fds[i].events};
		wants[n++].seq = tmm_fd_seq(e);
	}
	return n;
}

static int user_poll(struct pollfd *fds, nfds_t nfds, uint64_t deadline, int zero_timeout)
{
	struct tmm_io_want stack_wants[STACK_WANTS], *wants = stack_wants;
	int r, n, err;

	if (nfds > STACK_WANTS && !(wants = calloc(nfds, sizeof(*wants)))) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		n = collect_wants(fds, nfds, wants);
		r = n < 0 ? -1 : poll(fds, nfds, 0);
		if (r || zero_timeout)
			break;
		if (deadline && tmm_now_ns() >= deadline)
			break; /* r == 0: timed out */
		if (!n) {      /* nothing to wait for but the time */
			err = tmm_sleep_ns(deadline ? deadline - tmm_now_ns() : UINT64_MAX);
			if (!deadline && !err)
				continue;
			break;
		}
		err = tmm_io_wait(wants, (unsigned int)n, deadline);
		if (err == EPERM) { /* a descriptor epoll refuses: the kernel's poll */
			r = kernel_poll(fds, nfds, deadline);
			break;
		}
		if (err && err != EBADF && err != ETIMEDOUT) {
			errno = err;
			r = -1;
			break;
		}
		/* Woken, timed out or closed: the next look tells which (POLLNVAL). */
	}
	if (wants != stack_wants)
		free(wants);
	return r;
}

static int do_poll(struct pollfd *fds, nfds_t nfds, uint64_t deadline, int zero_timeout)
{
	if (!tmm_rt.started || tmm_rt.model == TMM_1TO1 || !tmm_current())
		return zero_timeout ? poll(fds, nfds, 0) : kernel_poll(fds, nfds, deadline);
	return user_poll(fds, nfds, deadline, zero_timeout);
}

TMM_API int tmm_poll_timeout(struct pollfd *fds, nfds_t nfds, uint64_t timeout_ns)
{
	if (!fds && nfds) {
		errno = EFAULT;
		return -1;
	}
	return do_poll(fds, nfds, timeout_ns == UINT64_MAX ? 0 : tmm_deadline(timeout_ns),
		       timeout_ns == 0);
}

TMM_API int tmm_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	if (!fds && nfds) {
		errno = EFAULT;
		return -1;
	}
	if (timeout_ms < 0)
		return do_poll(fds, nfds, 0, 0);
	return do_poll(fds, nfds, tmm_deadline((uint64_t)timeout_ms * 1000000u), timeout_ms == 0);
}
