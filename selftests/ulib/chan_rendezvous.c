// tmm_chan_t with capacity 0: a send completes only when a receiver takes
// the element, whichever side comes first.
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static void wait_blocked(tmm_thread_t *t)
{
	for (int i = 0; i < 5000 && tmm_thread_state(t) != TMM_BLOCKED; i++)
		tmm_sleep_ns(MS / 10);
}

TEST_F(rt, without_a_partner_try_is_eagain_and_timed_is_etimedout)
{
	const uint64_t timeout = 20 * MS;
	tmm_chan_t *ch;
	int v = 1;
	uint64_t start;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 0));
	EXPECT_EQ(EAGAIN, tmm_chan_trysend(ch, &v));
	EXPECT_EQ(EAGAIN, tmm_chan_tryrecv(ch, &v));
	start = now_ns();
	EXPECT_EQ(ETIMEDOUT, tmm_chan_timedsend(ch, &v, timeout));
	EXPECT_GE(now_ns() - start, timeout);
	start = now_ns();
	EXPECT_EQ(ETIMEDOUT, tmm_chan_timedrecv(ch, &v, timeout));
	EXPECT_GE(now_ns() - start, timeout);
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

struct sender {
	tmm_chan_t *ch;
	int value;
	int done; /* atomic: set once send returned */
};

static void *send_one(void *arg)
{
	struct sender *s = arg;
	intptr_t rc = tmm_chan_send(s->ch, &s->value);

	__atomic_store_n(&s->done, 1, __ATOMIC_SEQ_CST);
	return (void *)rc;
}

TEST_F(rt, send_waits_until_main_receives)
{
	struct sender s = {.value = 42, .done = 0};
	tmm_thread_t *t;
	void *ret;
	int v = 0;

	ASSERT_EQ(0, tmm_chan_create(&s.ch, sizeof(int), 0));
	ASSERT_EQ(0, tmm_create(&t, NULL, send_one, &s));
	wait_blocked(t);
	EXPECT_EQ(0, __atomic_load_n(&s.done, __ATOMIC_SEQ_CST));
	EXPECT_EQ(EBUSY, tmm_chan_destroy(s.ch)); /* the sender waits in it */
	EXPECT_EQ(0, tmm_chan_recv(s.ch, &v));
	EXPECT_EQ(42, v);
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(0, tmm_chan_destroy(s.ch));
}

struct receiver {
	tmm_chan_t *ch;
	int value;
};

static void *recv_one(void *arg)
{
	struct receiver *r = arg;

	return (void *)(intptr_t)tmm_chan_recv(r->ch, &r->value);
}

TEST_F(rt, main_sends_to_a_waiting_thread)
{
	struct receiver r = {.value = 0};
	tmm_thread_t *t;
	void *ret;
	int v = 99;

	ASSERT_EQ(0, tmm_chan_create(&r.ch, sizeof(int), 0));
	ASSERT_EQ(0, tmm_create(&t, NULL, recv_one, &r));
	wait_blocked(t);
	EXPECT_EQ(0, tmm_chan_trysend(r.ch, &v));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(99, r.value);
	EXPECT_EQ(0, tmm_chan_destroy(r.ch));
}

TEST_F(rt, tryrecv_takes_from_a_waiting_sender)
{
	struct sender s = {.value = 17, .done = 0};
	tmm_thread_t *t;
	int v = 0;

	ASSERT_EQ(0, tmm_chan_create(&s.ch, sizeof(int), 0));
	ASSERT_EQ(0, tmm_create(&t, NULL, send_one, &s));
	wait_blocked(t);
	EXPECT_EQ(0, tmm_chan_tryrecv(s.ch, &v));
	EXPECT_EQ(17, v);
	ASSERT_EQ(0, tmm_join(t, NULL));
	EXPECT_EQ(EAGAIN, tmm_chan_tryrecv(s.ch, &v));
	EXPECT_EQ(0, tmm_chan_destroy(s.ch));
}

TEST_HARNESS_MAIN
