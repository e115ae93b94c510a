// Producers and consumers over one channel: every element is delivered
// exactly once, and each consumer sees each producer's elements in order;
// with a ring and as a rendezvous, with plain, try and timed calls.
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

#define PRODUCERS 4
#define CONSUMERS 3
#define ITEMS 10000 /* per producer */

#include "runtime_fixture.h"

struct item {
	uint32_t producer;
	uint32_t seq;
};

enum style { PLAIN, TIMED, TRY };

struct pipeline {
	tmm_chan_t *ch;
	enum style style;
	unsigned char delivered[PRODUCERS][ITEMS]; /* atomic counts */
	int out_of_order;			   /* atomic */
	int errors;				   /* atomic */
};

struct role {
	struct pipeline *p;
	uint32_t id;
};

static int send_item(struct pipeline *p, const struct item *it)
{
	int rc;

	switch (p->style) {
	case TIMED:
		while ((rc = tmm_chan_timedsend(p->ch, it, 50000)) == ETIMEDOUT)
			;
		return rc;
	case TRY:
		while ((rc = tmm_chan_trysend(p->ch, it)) == EAGAIN)
			tmm_yield();
		return rc;
	default:
		return tmm_chan_send(p->ch, it);
	}
}

static int recv_item(struct pipeline *p, struct item *it)
{
	int rc;

	if (p->style != TIMED)
		return tmm_chan_recv(p->ch, it);
	while ((rc = tmm_chan_timedrecv(p->ch, it, 50000)) == ETIMEDOUT)
		;
	return rc;
}

static void *produce(void *arg)
{
	struct role *r = arg;

	for (uint32_t seq = 0; seq < ITEMS; seq++) {
		struct item it = {.producer = r->id, .seq = seq};

		if (send_item(r->p, &it))
			__atomic_add_fetch(&r->p->errors, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static void *consume(void *arg)
{
	struct role *r = arg;
	struct pipeline *p = r->p;
	int64_t last[PRODUCERS];
	struct item it;
	int rc;

	for (int i = 0; i < PRODUCERS; i++)
		last[i] = -1;
	while ((rc = recv_item(p, &it)) == 0) {
		if (it.producer >= PRODUCERS || it.seq >= ITEMS) {
			__atomic_add_fetch(&p->errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		if ((int64_t)it.seq <= last[it.producer])
			__atomic_add_fetch(&p->out_of_order, 1, __ATOMIC_RELAXED);
		last[it.producer] = it.seq;
		__atomic_add_fetch(&p->delivered[it.producer][it.seq], 1, __ATOMIC_RELAXED);
	}
	if (rc != EPIPE)
		__atomic_add_fetch(&p->errors, 1, __ATOMIC_RELAXED);
	return 0;
}

static void run_pipeline(struct __test_metadata *_metadata, size_t capacity, enum style style)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	struct role producers[PRODUCERS], consumers[CONSUMERS];
	tmm_thread_t *pt[PRODUCERS], *ct[CONSUMERS];
	int missing = 0, doubled = 0;

	ASSERT_NE(NULL, p);
	p->style = style;
	ASSERT_EQ(0, tmm_chan_create(&p->ch, sizeof(struct item), capacity));
	for (uint32_t i = 0; i < CONSUMERS; i++) {
		consumers[i] = (struct role){p, i};
		ASSERT_EQ(0, tmm_create(&ct[i], NULL, consume, &consumers[i]));
	}
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		producers[i] = (struct role){p, i};
		ASSERT_EQ(0, tmm_create(&pt[i], NULL, produce, &producers[i]));
	}
	for (int i = 0; i < PRODUCERS; i++)
		ASSERT_EQ(0, tmm_join(pt[i], NULL));
	/* Everything is sent (or buffered): closing lets consumers drain. */
	ASSERT_EQ(0, tmm_chan_close(p->ch));
	for (int i = 0; i < CONSUMERS; i++)
		ASSERT_EQ(0, tmm_join(ct[i], NULL));
	for (int i = 0; i < PRODUCERS; i++) {
		for (int seq = 0; seq < ITEMS; seq++) {
			missing += p->delivered[i][seq] == 0;
			doubled += p->delivered[i][seq] > 1;
		}
	}
	EXPECT_EQ(0, p->errors);
	EXPECT_EQ(0, missing);
	EXPECT_EQ(0, doubled);
	EXPECT_EQ(0, p->out_of_order);
	EXPECT_EQ(0, tmm_chan_destroy(p->ch));
	free(p);
}

TEST_F(rt, ring_delivers_every_element_once_in_order)
{
	run_pipeline(_metadata, 8, PLAIN);
}

TEST_F(rt, rendezvous_delivers_every_element_once_in_order)
{
	run_pipeline(_metadata, 0, PLAIN);
}

TEST_F(rt, timed_calls_racing_partners_lose_nothing)
{
	run_pipeline(_metadata, 2, TIMED);
}

TEST_F(rt, timed_rendezvous_racing_partners_lose_nothing)
{
	run_pipeline(_metadata, 0, TIMED);
}

TEST_F(rt, trysend_into_a_ring_loses_nothing)
{
	run_pipeline(_metadata, 4, TRY);
}

TEST_HARNESS_MAIN
