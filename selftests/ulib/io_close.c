// Closed and invalid descriptors: EBADF, never a hang.  A thread waiting on
// a descriptor that another thread closes is woken with EBADF, both through
// tmm_close() and (under M:1 and M:N, through the poller's safety net) a
// plain close().
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"
#include "tmm_io.h"

#define MS 1000000ull

FIXTURE(rt)
{
	int sv[2];
};
FIXTURE_SETUP(rt)
{
	int fd;

	ASSERT_EQ(0, tmm_init(NULL));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv));
	/* A high number: nothing else reuses it the moment a test closes it. */
	fd = fcntl(self->sv[0], F_DUPFD_CLOEXEC, 900);
	ASSERT_GE(fd, 900);
	close(self->sv[0]);
	self->sv[0] = fd;
}
FIXTURE_TEARDOWN(rt)
{
	close(self->sv[0]); /* EBADF once a test closed it */
	close(self->sv[1]);
	EXPECT_EQ(0, tmm_fini());
}

TEST_F(rt, invalid_descriptors_fail_with_ebadf)
{
	struct pollfd p = {.fd = 1 << 20, .events = POLLIN};
	char c;
	int fd = dup(self->sv[0]);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, tmm_close(fd)); /* now a closed number */
	EXPECT_EQ(-1, tmm_read(-1, &c, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, tmm_read(fd, &c, 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, tmm_write_timeout(fd, "x", 1, 10 * MS));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, tmm_accept(fd, NULL, NULL));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, tmm_close(fd));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(1, tmm_poll(&p, 1, 0));
	EXPECT_EQ(POLLNVAL, p.revents);
}

struct reader {
	int fd;
	int timed;
	int err;
	ssize_t n;
	int parked; /* atomic */
};

static void *read_until_closed(void *arg)
{
	struct reader *r = arg;
	char c;

	__atomic_store_n(&r->parked, 1, __ATOMIC_RELEASE);
	r->n = r->timed ? tmm_read_timeout(r->fd, &c, 1, 10000 * MS) : tmm_read(r->fd, &c, 1);
	r->err = r->n < 0 ? errno : 0;
	return NULL;
}

static void start_readers(struct __test_metadata *_metadata, struct reader *r, tmm_thread_t **t,
			  int fd)
{
	for (int i = 0; i < 2; i++) {
		r[i] = (struct reader){.fd = fd, .timed = i};
		ASSERT_EQ(0, tmm_create(&t[i], NULL, read_until_closed, &r[i]));
	}
	while (!__atomic_load_n(&r[0].parked, __ATOMIC_ACQUIRE) ||
	       !__atomic_load_n(&r[1].parked, __ATOMIC_ACQUIRE))
		tmm_yield();
	tmm_sleep_ns(20 * MS); /* they are inside their read by now */
}

TEST_F(rt, tmm_close_wakes_waiting_readers_with_ebadf)
{
	struct reader r[2];
	tmm_thread_t *t[2];

	start_readers(_metadata, r, t, self->sv[0]);
	ASSERT_EQ(0, tmm_close(self->sv[0]));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, tmm_join(t[i], NULL));
		EXPECT_EQ(-1, r[i].n);
		EXPECT_EQ(EBADF, r[i].err);
	}
}

TEST_F(rt, plain_close_wakes_waiting_readers_with_ebadf)
{
	struct reader r[2];
	tmm_thread_t *t[2];

	if (tmm_current_model() == TMM_1TO1)
		SKIP(return, "1:1 reads in the kernel, and Linux does not wake a read() whose "
			     "descriptor "
			     "another thread close()s; tmm_close() does (tested above)");
	start_readers(_metadata, r, t, self->sv[0]);
	ASSERT_EQ(0, close(self->sv[0]));
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, tmm_join(t[i], NULL));
		EXPECT_EQ(-1, r[i].n);
		EXPECT_EQ(EBADF, r[i].err);
	}
}

TEST_F(rt, poll_on_a_descriptor_closed_meanwhile_reports_pollnval)
{
	struct pollfd p = {.fd = self->sv[0], .events = POLLIN};
	int fd = self->sv[0];
	tmm_thread_t *t;

	if (tmm_current_model() == TMM_1TO1)
		SKIP(return, "1:1 polls in the kernel, which a close() does not wake");
	ASSERT_EQ(0,
		  tmm_create(&t, NULL, (void *(*)(void *))(void *)tmm_close, (void *)(intptr_t)fd));
	EXPECT_EQ(1, tmm_poll(&p, 1, 10000));
	EXPECT_EQ(POLLNVAL, p.revents);
	ASSERT_EQ(0, tmm_join(t, NULL));
}

TEST_HARNESS_MAIN
