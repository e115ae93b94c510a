/*
 * timer.h — the deadlines of parked user-level threads: one binary min-heap
 * under a spin lock, shared by the workers of M:1 and M:N.
 *
 * Whoever schedules calls tmm_timers_expire() before picking a thread, and
 * an idle worker sleeps no longer than tmm_timers_next(): the nearest timer
 * bounds every idle wait (a futex wait today, an epoll_wait once an I/O
 * poller is plugged into the same idle path).  Each entry carries the park
 * sequence number it was armed for, so an expiry that races with an unpark
 * can tell it is stale.
 */
#ifndef TMM_TIMER_H
#define TMM_TIMER_H

#include <stdint.h>

#include "spin.h"

struct tmm_thread;

struct tmm_timer_entry {
	uint64_t when;
	uint64_t seq;
	struct tmm_thread *thread;
};

struct tmm_timers {
	struct tmm_spin lock;
	struct tmm_timer_entry *heap;
	unsigned long count, cap;
	uint64_t next; /* earliest deadline, UINT64_MAX when empty; read without the lock */
};

/* Returns 0 or ENOMEM; *earliest set when the new entry is now the first. */
int tmm_timers_add(struct tmm_timers *tm, struct tmm_thread *t, uint64_t when, int *earliest);
void tmm_timers_cancel(struct tmm_timers *tm, struct tmm_thread *t);
/* Fires every timer due at @now (tmm_park_expire); returns how many fired. */
unsigned int tmm_timers_expire(struct tmm_timers *tm, uint64_t now);
uint64_t tmm_timers_next(const struct tmm_timers *tm);
void tmm_timers_init(struct tmm_timers *tm);
void tmm_timers_fini(struct tmm_timers *tm);

/* The one heap of the user-level schedulers (M:1, M:N). */
extern struct tmm_timers tmm_user_timers;

#endif /* TMM_TIMER_H */
