// tmm_chan_close: pending and later senders get EPIPE, receivers drain the
// ring and then get EPIPE, and destroy refuses a channel with waiters.
#include <errno.h>
#include <stdint.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "runtime_fixture.h"

static void wait_blocked(tmm_thread_t *t)
{
	for (int i = 0; i < 5000 && tmm_thread_state(t) != TMM_BLOCKED; i++)
		tmm_sleep_ns(MS / 10);
}

TEST_F(rt, receivers_drain_the_ring_then_get_epipe)
{
	tmm_chan_t *ch;
	int v;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 4));
	for (v = 1; v <= 3; v++)
		ASSERT_EQ(0, tmm_chan_send(ch, &v));
	EXPECT_EQ(0, tmm_chan_close(ch));
	EXPECT_EQ(EPIPE, tmm_chan_close(ch));
	EXPECT_EQ(EPIPE, tmm_chan_send(ch, &v));
	EXPECT_EQ(EPIPE, tmm_chan_trysend(ch, &v));
	EXPECT_EQ(EPIPE, tmm_chan_timedsend(ch, &v, MS));
	EXPECT_EQ(0, tmm_chan_recv(ch, &v));
	EXPECT_EQ(1, v);
	EXPECT_EQ(0, tmm_chan_tryrecv(ch, &v));
	EXPECT_EQ(2, v);
	EXPECT_EQ(0, tmm_chan_timedrecv(ch, &v, MS));
	EXPECT_EQ(3, v);
	EXPECT_EQ(EPIPE, tmm_chan_recv(ch, &v));
	EXPECT_EQ(EPIPE, tmm_chan_tryrecv(ch, &v));
	EXPECT_EQ(EPIPE, tmm_chan_timedrecv(ch, &v, MS));
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

static void *send_value(void *ch)
{
	int v = 1;

	return (void *)(intptr_t)tmm_chan_send(ch, &v);
}

static void *recv_value(void *ch)
{
	int v;

	return (void *)(intptr_t)tmm_chan_recv(ch, &v);
}

/* Starts n threads running fn(ch) and waits until they are all parked. */
static void start_blocked(tmm_thread_t **t, int n, void *(*fn)(void *), tmm_chan_t *ch)
{
	for (int i = 0; i < n; i++)
		if (tmm_create(&t[i], NULL, fn, ch) == 0)
			wait_blocked(t[i]);
}

#define PENDING 4

TEST_F(rt, close_fails_pending_senders_on_a_full_ring)
{
	tmm_thread_t *t[PENDING];
	tmm_chan_t *ch;
	int v = 7;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 1));
	ASSERT_EQ(0, tmm_chan_send(ch, &v));
	start_blocked(t, PENDING, send_value, ch);
	EXPECT_EQ(EBUSY, tmm_chan_destroy(ch));
	EXPECT_EQ(0, tmm_chan_close(ch));
	for (int i = 0; i < PENDING; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(EPIPE, (intptr_t)ret);
	}
	/* What was in the ring before close is still delivered. */
	v = 0;
	EXPECT_EQ(0, tmm_chan_recv(ch, &v));
	EXPECT_EQ(7, v);
	EXPECT_EQ(EPIPE, tmm_chan_recv(ch, &v));
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

TEST_F(rt, close_fails_pending_rendezvous_senders)
{
	tmm_thread_t *t[PENDING];
	tmm_chan_t *ch;
	int v;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 0));
	start_blocked(t, PENDING, send_value, ch);
	EXPECT_EQ(0, tmm_chan_close(ch));
	for (int i = 0; i < PENDING; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(EPIPE, (intptr_t)ret);
	}
	EXPECT_EQ(EPIPE, tmm_chan_tryrecv(ch, &v));
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

TEST_F(rt, close_wakes_pending_receivers_with_epipe)
{
	tmm_thread_t *t[PENDING];
	tmm_chan_t *ch;

	ASSERT_EQ(0, tmm_chan_create(&ch, sizeof(int), 2));
	start_blocked(t, PENDING, recv_value, ch);
	EXPECT_EQ(EBUSY, tmm_chan_destroy(ch));
	EXPECT_EQ(0, tmm_chan_close(ch));
	for (int i = 0; i < PENDING; i++) {
		void *ret;

		ASSERT_EQ(0, tmm_join(t[i], &ret));
		EXPECT_EQ(EPIPE, (intptr_t)ret);
	}
	EXPECT_EQ(0, tmm_chan_destroy(ch));
}

TEST_HARNESS_MAIN
