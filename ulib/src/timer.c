/* timer.c — the deadline heap of parked user-level threads (see timer.h). */
#include <errno.h>
#include <stdlib.h>

#include "runtime.h"
#include "timer.h"

#define EXPIRE_BATCH 32

static void heap_set(struct tmm_timers *tm, unsigned long i, struct tmm_timer_entry e)
{
	tm->heap[i] = e;
	e.thread->timer_idx = (long)i;
}

static void sift_up(struct tmm_timers *tm, unsigned long i)
{
	struct tmm_timer_entry e = tm->heap[i];

	while (i > 0) {
		unsigned long parent = (i - 1) / 2;

		if (tm->heap[parent].when <= e.when)
			break;
		heap_set(tm, i, tm->heap[parent]);
		i = parent;
	}
	heap_set(tm, i, e);
}

static void sift_down(struct tmm_timers *tm, unsigned long i)
{
	struct tmm_timer_entry e = tm->heap[i];

	for (;;) {
		unsigned long c = 2 * i + 1;

		if (c >= tm->count)
			break;
		if (c + 1 < tm->count && tm->heap[c + 1].when < tm->heap[c].when)
			c++;
		if (e.when <= tm->heap[c].when)
			break;
		heap_set(tm, i, tm->heap[c]);
		i = c;
	}
	heap_set(tm, i, e);
}

static void publish_next(struct tmm_timers *tm)
{
	__atomic_store_n(&tm->next, tm->count ? tm->heap[0].when : UINT64_MAX, __ATOMIC_SEQ_CST);
}

/* Lock held: takes entry i out of the heap. */
static void heap_remove(struct tmm_timers *tm, unsigned long i)
{
	tm->heap[i].thread->timer_idx = -1;
	if (i != --tm->count) {
		heap_set(tm, i, tm->heap[tm->count]);
		sift_down(tm, i);
		sift_up(tm, (unsigned long)tm->heap[i].thread->timer_idx);
	}
	publish_next(tm);
}

void tmm_timers_init(struct tmm_timers *tm)
{
	tm->heap = 0;
	tm->count = tm->cap = 0;
	tm->lock.locked = 0;
	tm->next = UINT64_MAX;
}

void tmm_timers_fini(struct tmm_timers *tm)
{
	free(tm->heap);
	tmm_timers_init(tm);
}

int tmm_timers_add(struct tmm_timers *tm, struct tmm_thread *t, uint64_t when, int *earliest)
{
	int err = 0;

	tmm_spin_lock(&tm->lock);
	if (tm->count == tm->cap) {
		unsigned long cap = tm->cap ? 2 * tm->cap : 64;
		struct tmm_timer_entry *h = realloc(tm->heap, cap * sizeof(*h));

		if (!h)
			err = ENOMEM;
		else
			tm->heap = h, tm->cap = cap;
	}
	if (!err) {
		struct tmm_timer_entry e = {when, t->park_seq, t};

		tm->heap[tm->count++] = e;
		sift_up(tm, tm->count - 1);
		*earliest = t->timer_idx == 0;
		publish_next(tm);
	}
	tmm_spin_unlock(&tm->lock);
	return err;
}

void tmm_timers_cancel(struct tmm_timers *tm, struct tmm_thread *t)
{
	tmm_spin_lock(&tm->lock);
	if (t->timer_idx >= 0)
		heap_remove(tm, (unsigned long)t->timer_idx);
	tmm_spin_unlock(&tm->lock);
}

uint64_t tmm_timers_next(const struct tmm_timers *tm)
{
	return __atomic_load_n(&tm->next, __ATOMIC_SEQ_CST);
}

unsigned int tmm_timers_expire(struct tmm_timers *tm, uint64_t now)
{
	struct tmm_timer_entry due[EXPIRE_BATCH];
	unsigned int n, i, fired = 0;

	do {
		if (tmm_timers_next(tm) > now)
			break;
		n = 0;
		tmm_spin_lock(&tm->lock);
		while (n < EXPIRE_BATCH && tm->count && tm->heap[0].when <= now) {
			due[n++] = tm->heap[0];
			heap_remove(tm, 0);
		}
		tmm_spin_unlock(&tm->lock);
		/* Outside the heap lock: expiry takes the thread's park lock. */
		for (i = 0; i < n; i++)
			tmm_park_expire(due[i].thread, due[i].seq);
		fired += n;
	} while (n == EXPIRE_BATCH);
	return fired;
}
struct tmm_timers tmm_user_timers = {{0}, 0, 0, 0, UINT64_MAX};
