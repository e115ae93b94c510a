/*
 * HTTP server, hand-written epoll: one kernel thread, one epoll instance,
 * non-blocking sockets, a small state per connection and no threads at all
 * (the shape of nginx's worker or Go's netpoller without goroutines).  The
 * yardstick tools/bench/http-compare measures tmm's servers against.
 *
 * Level-triggered for the connections (a read that leaves data is picked up
 * on the next round without bookkeeping); answers are small enough that a
 * write that does not complete is treated as a dead client.  Started by
 * tools/bench/http-compare, which stops it.
 */
#include <fcntl.h>
#include <sys/epoll.h>

#include "http.h"

#define MAX_EVENTS 512

struct conn {
	int fd;
	size_t len;
	char buf[8192];
};

static void drop(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

static void accept_all(int ep, int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		struct epoll_event ev = {.events = EPOLLIN};
		struct conn *c;

		if (fd < 0)
			return; /* EAGAIN: no more waiting; anything else: try next round */
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->len = 0;
		ev.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			free(c);
		}
	}
}

/* One readable connection: read what is there, answer every complete request. */
static void serve(int ep, struct conn *c)
{
	ssize_t got = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);

	if (got <= 0) {
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		drop(ep, c);
		return;
	}
	c->len += (size_t)got;
	for (int n = http_take_requests(c->buf, &c->len); n > 0; n--)
		if (write(c->fd, HTTP_ANSWER, sizeof(HTTP_ANSWER) - 1) !=
		    (ssize_t)sizeof(HTTP_ANSWER) - 1) {
			drop(ep, c);
			return;
		}
	if (c->len == sizeof(c->buf))
		drop(ep, c); /* a request larger than the buffer: not ours */
}

int main(int argc, char **argv)
{
	int lfd = http_listen((int)bench_arg(argc, argv, 1, 8080));
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[MAX_EVENTS];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || fcntl(lfd, F_SETFL, O_NONBLOCK) || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev))
		bench_die("epoll: %s", strerror(errno));
	for (;;) {
		int n = epoll_wait(ep, evs, MAX_EVENTS, -1);

		for (int i = 0; i < n; i++) {
			if (!evs[i].data.ptr)
				accept_all(ep, lfd);
			else
				serve(ep, evs[i].data.ptr);
		}
	}
}
