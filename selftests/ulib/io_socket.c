// tmm_io.h on sockets, under every model: socketpairs, TCP and UDP on
// loopback, accept and connect, partial transfers checked byte for byte, a
// peer that resets, timeouts, and poll over several descriptors.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"
#include "tmm_io.h"
#include "runtime_fixture.h"
#define BIG (4u << 20) /* far more than a socket buffer: partial sends */

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 13 + i / 509);
}

/* A listening TCP socket on 127.0.0.1, any port; *addr gets its address. */
static int tcp_listener(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) || listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)addr, &len))
		return -1;
	return fd;
}

struct xfer {
	int fd;
	size_t len, done;
	long bad; /* first wrong byte + 1, or -errno */
};

static void *send_all(void *arg)
{
	struct xfer *x = arg;
	unsigned char *buf = malloc(x->len);

	for (size_t i = 0; i < x->len; i++)
		buf[i] = pattern(i);
	while (x->done < x->len) {
		ssize_t n = tmm_send(x->fd, buf + x->done, x->len - x->done, MSG_NOSIGNAL);

		if (n <= 0) {
			x->bad = -errno;
			break;
		}
		x->done += (size_t)n;
	}
	free(buf);
	shutdown(x->fd, SHUT_WR);
	return NULL;
}

static void *recv_all(void *arg)
{
	struct xfer *x = arg;
	unsigned char buf[8192]; /* partial reads; the stack is 64 KiB */
	ssize_t n;

	while ((n = tmm_recv(x->fd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (!x->bad && buf[i] != pattern(x->done + (size_t)i))
				x->bad = (long)(x->done + (size_t)i) + 1;
		x->done += (size_t)n;
	}
	if (n < 0)
		x->bad = -errno;
	return NULL;
}

static void transfer_both_ways(struct __test_metadata *_metadata, int a, int b)
{
	struct xfer s1 = {.fd = a, .len = BIG}, r1 = {.fd = b};
	struct xfer s2 = {.fd = b, .len = BIG / 3}, r2 = {.fd = a};
	tmm_thread_t *t[4];

	ASSERT_EQ(0, tmm_create(&t[0], NULL, recv_all, &r1));
	ASSERT_EQ(0, tmm_create(&t[1], NULL, recv_all, &r2));
	ASSERT_EQ(0, tmm_create(&t[2], NULL, send_all, &s1));
	ASSERT_EQ(0, tmm_create(&t[3], NULL, send_all, &s2));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, tmm_join(t[i], NULL));
	EXPECT_EQ(0, s1.bad);
	EXPECT_EQ(0, s2.bad);
	EXPECT_EQ(0, r1.bad);
	EXPECT_EQ(0, r2.bad);
	EXPECT_EQ(s1.len, r1.done);
	EXPECT_EQ(s2.len, r2.done);
}

TEST_F(rt, socketpair_carries_megabytes_both_ways)
{
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	transfer_both_ways(_metadata, sv[0], sv[1]);
	EXPECT_EQ(0, tmm_close(sv[0]));
	EXPECT_EQ(0, tmm_close(sv[1]));
}

struct acceptor {
	int lfd, fd;
	int err;
};

static void *accept_one(void *arg)
{
	struct acceptor *a = arg;

	a->fd = tmm_accept(a->lfd, NULL, NULL);
	a->err = a->fd < 0 ? errno : 0;
	return NULL;
}

TEST_F(rt, tcp_accept_connect_and_transfer)
{
	struct sockaddr_in addr;
	struct acceptor a = {.lfd = tcp_listener(&addr)};
	tmm_thread_t *t;
	int c;

	ASSERT_GE(a.lfd, 0);
	/* The acceptor waits first: accept parks until the connection comes. */
	ASSERT_EQ(0, tmm_create(&t, NULL, accept_one, &a));
	tmm_sleep_ns(5 * MS);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(c, 0);
	ASSERT_EQ(0, tmm_connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, tmm_join(t, NULL));
	ASSERT_EQ(0, a.err);
	ASSERT_GE(a.fd, 0);
	transfer_both_ways(_metadata, c, a.fd);
	EXPECT_EQ(0, tmm_close(c));
	EXPECT_EQ(0, tmm_close(a.fd));
	EXPECT_EQ(0, tmm_close(a.lfd));
}

TEST_F(rt, accept_and_recv_time_out)
{
	struct sockaddr_in addr;
	int lfd = tcp_listener(&addr), sv[2];
	char c;

	ASSERT_GE(lfd, 0);
	EXPECT_EQ(-1, tmm_accept_timeout(lfd, NULL, NULL, 10 * MS));
	EXPECT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	EXPECT_EQ(-1, tmm_recv_timeout(sv[0], &c, 1, 0, 10 * MS));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(1, tmm_send_timeout(sv[1], "k", 1, 0, 10 * MS));
	EXPECT_EQ(1, tmm_recv_timeout(sv[0], &c, 1, 0, 10 * MS));
	EXPECT_EQ('k', c);
	tmm_close(sv[0]);
	tmm_close(sv[1]);
	tmm_close(lfd);
}

TEST_F(rt, connect_to_a_closed_port_is_refused)
{
	struct sockaddr_in addr;
	int lfd = tcp_listener(&addr), c;

	ASSERT_GE(lfd, 0);
	tmm_close(lfd); /* nobody listens there now */
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(c, 0);
	EXPECT_EQ(-1, tmm_connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	EXPECT_EQ(ECONNREFUSED, errno);
	tmm_close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(c, 0);
	EXPECT_EQ(-1, tmm_connect_timeout(c, (struct sockaddr *)&addr, sizeof(addr), 100 * MS));
	EXPECT_EQ(ECONNREFUSED, errno);
	tmm_close(c);
}

static void *recv_one(void *arg)
{
	struct acceptor *a = arg;
	char buf[16];
	ssize_t n = tmm_recv(a->fd, buf, sizeof(buf), 0);

	a->err = n < 0 ? errno : 0;
	return (void *)(intptr_t)n;
}

TEST_F(rt, a_peer_that_resets_wakes_the_reader_with_econnreset)
{
	struct sockaddr_in addr;
	struct acceptor a = {.lfd = tcp_listener(&addr)};
	struct linger hard = {.l_onoff = 1, .l_linger = 0};
	struct acceptor r;
	tmm_thread_t *t;
	void *n;
	int c;

	ASSERT_GE(a.lfd, 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_EQ(0, tmm_connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	a.fd = tmm_accept(a.lfd, NULL, NULL);
	ASSERT_GE(a.fd, 0);
	r = (struct acceptor){.fd = c};
	ASSERT_EQ(0, tmm_create(&t, NULL, recv_one, &r));
	tmm_sleep_ns(5 * MS); /* the reader parks */
	ASSERT_EQ(0, setsockopt(a.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard)));
	ASSERT_EQ(0, tmm_close(a.fd)); /* a close with linger 0 sends RST */
	ASSERT_EQ(0, tmm_join(t, &n));
	EXPECT_EQ(-1, (intptr_t)n);
	EXPECT_EQ(ECONNRESET, r.err);
	tmm_close(c);
	tmm_close(a.lfd);
}

TEST_F(rt, udp_sendto_and_recvfrom_name_the_peer)
{
	struct sockaddr_in a = {.sin_family = AF_INET}, b = a, from;
	socklen_t len = sizeof(a), flen = sizeof(from);
	int fa = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int fb = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char buf[8];

	a.sin_addr.s_addr = b.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fa, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, bind(fb, (struct sockaddr *)&b, sizeof(b)));
	ASSERT_EQ(0, getsockname(fa, (struct sockaddr *)&a, &len));
	ASSERT_EQ(0, getsockname(fb, (struct sockaddr *)&b, &len));
	EXPECT_EQ(-1, tmm_recvfrom_timeout(fb, buf, sizeof(buf), 0, NULL, NULL, 5 * MS));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(5, tmm_sendto(fa, "hello", 5, 0, (struct sockaddr *)&b, sizeof(b)));
	EXPECT_EQ(5, tmm_recvfrom(fb, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(a.sin_port, from.sin_port);
	tmm_close(fa);
	tmm_close(fb);
}

static void *send_later(void *arg)
{
	tmm_sleep_ns(10 * MS);
	return (void *)(intptr_t)tmm_send(*(int *)arg, "p", 1, 0);
}

TEST_F(rt, poll_waits_on_several_sockets_and_names_the_one_ready)
{
	int s1[2], s2[2];
	struct pollfd p[3];
	tmm_thread_t *t;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s1));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s2));
	p[0] = (struct pollfd){.fd = s1[0], .events = POLLIN};
	p[1] = (struct pollfd){.fd = -1, .events = POLLIN}; /* ignored, as by poll */
	p[2] = (struct pollfd){.fd = s2[0], .events = POLLIN};
	ASSERT_EQ(0, tmm_create(&t, NULL, send_later, &s2[1]));
	EXPECT_EQ(1, tmm_poll(p, 3, 5000));
	EXPECT_EQ(0, p[0].revents);
	EXPECT_EQ(0, p[1].revents);
	EXPECT_EQ(POLLIN, p[2].revents);
	ASSERT_EQ(0, tmm_join(t, NULL));
	for (int i = 0; i < 2; i++) {
		tmm_close(s1[i]);
		tmm_close(s2[i]);
	}
}

TEST_HARNESS_MAIN
