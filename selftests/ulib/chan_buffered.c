// tmm_chan_t with a ring: FIFO order, try and timed variants, argument
// checks, and elements of any size.
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

TEST_F(rt, create_checks_its_arguments)
{
	tmm_chan_t *ch;

	EXPECT_EQ(EINVAL, tmm_chan_create(NULL, 4, 1));
	EXPECT_EQ(EINVAL, tmm_chan_create(&ch, 0, 1));
	EXPECT_EQ(EINVAL, tmm_chan_create(&ch, 0, 0));
	EXPECT_EQ(EINVAL, tmm_chan_create(&ch, SIZE_MAX / 2, 4)); /* size overflows */
	EXPECT_EQ(EINVAL, tmm_chan_send(NULL, &ch));
	EXPECT_EQ(EINVAL, tmm_chan_recv(NULL, &ch));
	EXPECT_EQ(EINVAL, tmm_chan_trysend(NULL, &ch));
	EXPECT_EQ(EINVAL, tmm_chan_tryrecv(NULL, &ch));
	EXPECT_EQ(EINVAL, tmm_chan_timedsend(NULL, &ch, MS));
	EXPECT_EQ(EINVAL, tmm_chan_timedrecv(NULL, &ch, MS));
	EXPECT_EQ(EINVAL, tmm_chan_close(NULL));
	EXPECT_EQ(EINVAL, tmm_chan_destroy(NULL));
	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 2));
	EXPECT_EQ(EINVAL, tmm_chan_send(ch, NULL));
	EXPECT_EQ(EINVAL, tmm_chan_recv(ch, NULL));
	EXPECT_EQ(EINVAL, tmm_chan_trysend(ch, NULL));
	EXPECT_EQ(EINVAL, tmm_chan_timedrecv(ch, NULL, MS));
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

TEST_F(rt, elements_come_out_in_order_and_try_reports_eagain)
{
	tmm_chan_t *ch;
	int v;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 3));
	EXPECT_EQ(EAGAIN, tmm_chan_tryrecv(ch, &v));
	/* Wrap around the ring a few times. */
	for (int base = 0; base < 10; base += 2) {
		for (int i = 0; i < 3; i++) {
			v = base + i;
			EXPECT_EQ(0, i % 2 ? tmm_chan_send(ch, &v) : tmm_chan_trysend(ch, &v));
		}
		v = -1;
		EXPECT_EQ(EAGAIN, tmm_chan_trysend(ch, &v));
		for (int i = 0; i < 2; i++) {
			EXPECT_EQ(0, tmm_chan_recv(ch, &v));
			EXPECT_EQ(base + i, v);
		}
		EXPECT_EQ(0, tmm_chan_tryrecv(ch, &v));
		EXPECT_EQ(base + 2, v);
		EXPECT_EQ(EAGAIN, tmm_chan_tryrecv(ch, &v));
	}
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

TEST_F(rt, timed_calls_time_out_on_empty_and_full)
{
	const uint64_t timeout = 20 * MS;
	tmm_chan_t *ch;
	int v = 7;
	uint64_t start;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 1));
	start = now_ns();
	EXPECT_EQ(ETIMEDOUT, tmm_chan_timedrecv(ch, &v, timeout));
	EXPECT_GE(now_ns() - start, timeout);
	EXPECT_EQ(0, tmm_chan_timedsend(ch, &v, timeout));
	start = now_ns();
	EXPECT_EQ(ETIMEDOUT, tmm_chan_timedsend(ch, &v, timeout));
	EXPECT_GE(now_ns() - start, timeout);
	v = 0;
	EXPECT_EQ(0, tmm_chan_timedrecv(ch, &v, timeout));
	EXPECT_EQ(7, v);
	/* The timed-out send left nothing behind. */
	EXPECT_EQ(EAGAIN, tmm_chan_tryrecv(ch, &v));
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

struct big {
	char text[200];
	uint64_t seq;
};

static void *send_big(void *ch)
{
	struct big b;

	for (uint64_t i = 0; i < 50; i++) {
		memset(&b, 0, sizeof(b));
		snprintf(b.text, sizeof(b.text), "element %llu", (unsigned long long)i);
		b.seq = i;
		if (tmm_chan_send(ch, &b))
			return (void *)1;
	}
	return 0;
}

TEST_F(rt, large_elements_cross_between_threads_intact)
{
	tmm_chan_t *ch;
	tmm_thread_t *t;
	struct big b;
	char want[200];

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(struct big), 4));
	ASSERT_EQ(0, tmm_create(&t, NULL, send_big, ch));
	for (uint64_t i = 0; i < 50; i++) {
		ASSERT_EQ(0, tmm_chan_recv(ch, &b));
		snprintf(want, sizeof(want), "element %llu", (unsigned long long)i);
		EXPECT_STREQ(want, b.text);
		EXPECT_EQ(i, b.seq);
	}
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

TEST_HARNESS_MAIN
