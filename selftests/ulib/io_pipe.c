// tmm_io.h on pipes, under every model: data arrives whole and in order
// through partial reads and writes, EOF, timeouts, and a thread that sleeps
// (or waits on a timer) while others do I/O on the same kernel thread.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"
#include "tmm_io.h"

#define MS 1000000ull
#define BIG (1u << 20) /* larger than a pipe's buffer: writes are partial */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

FIXTURE(rt)
{
	int fds[2];
};
FIXTURE_SETUP(rt)
{
	ASSERT_EQ(0, tmm_init(NULL));
	ASSERT_EQ(0, pipe(self->fds));
}
FIXTURE_TEARDOWN(rt)
{
	tmm_close(self->fds[0]);
	tmm_close(self->fds[1]);
	EXPECT_EQ(0, tmm_fini());
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

struct stream {
	int fd;
	size_t len;
	size_t chunk; /* largest single call */
	size_t done;
	int bad; /* first wrong byte + 1, or -errno */
};

static void *write_stream(void *arg)
{
	struct stream *s = arg;
	unsigned char *buf = malloc(s->len);

	for (size_t i = 0; i < s->len; i++)
		buf[i] = pattern(i);
	while (s->done < s->len) {
		size_t want = s->len - s->done < s->chunk ? s->len - s->done : s->chunk;
		ssize_t n = tmm_write(s->fd, buf + s->done, want);

		if (n <= 0) {
			s->bad = -errno;
			break;
		}
		s->done += (size_t)n;
	}
	free(buf);
	tmm_close(s->fd);
	return NULL;
}

static void *read_stream(void *arg)
{
	struct stream *s = arg;
	unsigned char buf[3000];

	for (;;) {
		size_t want = s->chunk < sizeof(buf) ? s->chunk : sizeof(buf);
		ssize_t n = tmm_read(s->fd, buf, want);

		if (n == 0)
			break; /* EOF */
		if (n < 0) {
			s->bad = -errno;
			break;
		}
		for (ssize_t i = 0; i < n; i++)
			if (!s->bad && buf[i] != pattern(s->done + (size_t)i))
				s->bad = (int)(s->done + (size_t)i) + 1;
		s->done += (size_t)n;
	}
	return NULL;
}

TEST_F(rt, megabyte_through_a_pipe_arrives_whole_then_eof)
{
	struct stream w = {.fd = self->fds[1], .len = BIG, .chunk = 200000};
	struct stream r = {.fd = self->fds[0], .len = BIG, .chunk = 1777};
	tmm_thread_t *tw, *tr;

	ASSERT_EQ(0, tmm_create(&tr, NULL, read_stream, &r));
	ASSERT_EQ(0, tmm_create(&tw, NULL, write_stream, &w));
	ASSERT_EQ(0, tmm_join(tw, NULL));
	ASSERT_EQ(0, tmm_join(tr, NULL));
	self->fds[1] = -1; /* closed by the writer */
	EXPECT_EQ(0, w.bad);
	EXPECT_EQ(0, r.bad);
	EXPECT_EQ(BIG, w.done);
	EXPECT_EQ(BIG, r.done);
}

TEST_F(rt, read_timeout_on_an_empty_pipe)
{
	char c;
	uint64_t t0 = now_ns();

	EXPECT_EQ(-1, tmm_read_timeout(self->fds[0], &c, 1, 20 * MS));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GE(now_ns() - t0, 20 * MS);
	/* Zero: try once. */
	EXPECT_EQ(-1, tmm_read_timeout(self->fds[0], &c, 1, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* Data there: no waiting at all. */
	ASSERT_EQ(1, tmm_write(self->fds[1], "z", 1));
	EXPECT_EQ(1, tmm_read_timeout(self->fds[0], &c, 1, 0));
	EXPECT_EQ('z', c);
}

TEST_F(rt, write_timeout_on_a_full_pipe_after_a_partial_write)
{
	size_t len = BIG;
	char *buf = calloc(1, len);
	ssize_t n;

	ASSERT_NE(NULL, buf);
	/* Under 1:1 the timed write polls first, then writes what fits. */
	n = tmm_write_timeout(self->fds[1], buf, len, 20 * MS);
	EXPECT_GT(n, 0);
	EXPECT_LT(n, (ssize_t)len);
	EXPECT_EQ(-1, tmm_write_timeout(self->fds[1], buf, len, 20 * MS));
	EXPECT_EQ(ETIMEDOUT, errno);
	free(buf);
}

TEST_F(rt, eof_after_the_writer_closes)
{
	char c;

	ASSERT_EQ(1, tmm_write(self->fds[1], "a", 1));
	ASSERT_EQ(0, tmm_close(self->fds[1]));
	self->fds[1] = -1;
	EXPECT_EQ(1, tmm_read(self->fds[0], &c, 1));
	EXPECT_EQ(0, tmm_read(self->fds[0], &c, 1));
	EXPECT_EQ(0, tmm_read_timeout(self->fds[0], &c, 1, 10 * MS));
}

TEST_F(rt, readv_and_writev_gather_and_scatter)
{
	char a[3], b[5];
	struct iovec out[2] = {{"abc", 3}, {"defgh", 5}};
	struct iovec in[2] = {{a, sizeof(a)}, {b, sizeof(b)}};

	ASSERT_EQ(8, tmm_writev(self->fds[1], out, 2));
	ASSERT_EQ(8, tmm_readv(self->fds[0], in, 2));
	EXPECT_EQ(0, memcmp(a, "abc", 3));
	EXPECT_EQ(0, memcmp(b, "defgh", 5));
}

static int ping_fds[2], pong_fds[2];
static long rounds;
static int stop;

static void *ping(void *arg)
{
	char c = 'p';

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		if (tmm_write(ping_fds[1], &c, 1) != 1 || tmm_read(pong_fds[0], &c, 1) != 1)
			return (void *)-1;
		__atomic_fetch_add(&rounds, 1, __ATOMIC_RELEASE);
	}
	c = 'q';
	tmm_write(ping_fds[1], &c, 1);
	return arg;
}

static void *pong(void *arg)
{
	char c;

	while (tmm_read(ping_fds[0], &c, 1) == 1 && c != 'q')
		if (tmm_write(pong_fds[1], &c, 1) != 1)
			return (void *)-1;
	return arg;
}

/*
 * Under M:1 every thread here shares one kernel thread: the sleeper and the
 * two threads waiting on pipes must all park, not block it.
 */
TEST_F(rt, sleeper_and_io_share_a_kernel_thread)
{
	tmm_thread_t *a, *b;
	long before, during;
	uint64_t t0;
	void *ra, *rb;

	ASSERT_EQ(0, pipe(ping_fds));
	ASSERT_EQ(0, pipe(pong_fds));
	stop = 0;
	rounds = 0;
	ASSERT_EQ(0, tmm_create(&b, NULL, pong, NULL));
	ASSERT_EQ(0, tmm_create(&a, NULL, ping, NULL));
	before = __atomic_load_n(&rounds, __ATOMIC_ACQUIRE);
	t0 = now_ns();
	ASSERT_EQ(0, tmm_sleep_ns(50 * MS));
	EXPECT_GE(now_ns() - t0, 50 * MS);
	during = __atomic_load_n(&rounds, __ATOMIC_ACQUIRE) - before;
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, tmm_join(a, &ra));
	ASSERT_EQ(0, tmm_join(b, &rb));
	EXPECT_EQ(NULL, ra);
	EXPECT_EQ(NULL, rb);
	EXPECT_GT(during, 0);
	for (int i = 0; i < 2; i++) {
		tmm_close(ping_fds[i]);
		tmm_close(pong_fds[i]);
	}
}

static void *sleep_then_write(void *arg)
{
	int fd = *(int *)arg;

	tmm_sleep_ns(20 * MS);
	return (void *)(intptr_t)tmm_write(fd, "w", 1);
}

/* The reader waits for the poller; only the sleeper's timer can end that wait. */
TEST_F(rt, timer_wakes_a_sleeper_while_a_reader_waits_in_the_poller)
{
	tmm_thread_t *t;
	void *ret;
	char c;

	ASSERT_EQ(0, tmm_create(&t, NULL, sleep_then_write, &self->fds[1]));
	EXPECT_EQ(1, tmm_read(self->fds[0], &c, 1));
	EXPECT_EQ('w', c);
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(1, (intptr_t)ret);
}

TEST_F(rt, poll_reports_the_ready_descriptor_and_times_out)
{
	struct pollfd p[2] = {{.fd = self->fds[0], .events = POLLIN},
			      {.fd = self->fds[1], .events = POLLOUT}};
	tmm_thread_t *t;

	/* Write end ready at once; read end not. */
	EXPECT_EQ(1, tmm_poll(p, 2, -1));
	EXPECT_EQ(0, p[0].revents);
	EXPECT_EQ(POLLOUT, p[1].revents);
	EXPECT_EQ(0, tmm_poll(p, 1, 10));
	EXPECT_EQ(0, tmm_poll_timeout(p, 1, 5 * MS));
	EXPECT_EQ(0, tmm_poll_timeout(NULL, 0, 5 * MS));
	/* A writer wakes the poller. */
	ASSERT_EQ(0, tmm_create(&t, NULL, sleep_then_write, &self->fds[1]));
	EXPECT_EQ(1, tmm_poll(p, 1, -1));
	EXPECT_EQ(POLLIN, p[0].revents);
	ASSERT_EQ(0, tmm_join(t, NULL));
}

TEST_F(rt, regular_files_take_the_blocking_path)
{
	char path[] = "/tmp/tmm-io-XXXXXX", buf[6] = {0};
	int fd = mkstemp(path);

	ASSERT_GE(fd, 0);
	unlink(path);
	EXPECT_EQ(5, tmm_write(fd, "hello", 5));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(5, tmm_read_timeout(fd, buf, 5, 0));
	EXPECT_STREQ("hello", buf);
	EXPECT_EQ(0, tmm_read(fd, buf, 5)); /* end of file */
	/* Left in blocking mode. */
	EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(0, tmm_close(fd));
}

TEST_HARNESS_MAIN
