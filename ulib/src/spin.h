/*
 * spin.h — the short lock that guards every wait queue.
 *
 * Held only for a few instructions and never across a switch (tmm_park
 * releases it after the switch), so spinning is cheaper than sleeping; under
 * 1:1 the holder can be preempted by the kernel, so a long spin yields the CPU.
 */
#ifndef TMM_SPIN_H
#define TMM_SPIN_H

#include <sched.h>

#include "tmm.h" /* struct tmm_spin */

/*
 * One step of waiting for another kernel thread: a pause, or after 128 of
 * them the CPU given up (the one waited for may have been preempted).
 */
static inline void tmm_spin_wait(unsigned int *spins)
{
	if (++*spins < 128)
		__builtin_ia32_pause();
	else
		sched_yield();
}

static inline int tmm_spin_trylock(struct tmm_spin *s)
{
	return !__atomic_exchange_n(&s->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void tmm_spin_lock(struct tmm_spin *s)
{
	unsigned int spins = 0;

	while (!tmm_spin_trylock(s)) {
		while (__atomic_load_n(&s->locked, __ATOMIC_RELAXED))
			tmm_spin_wait(&spins);
	}
}

/*
 * Waits until @s is free, without taking it: what its holders did before
 * they let go of it is then visible.
 */
static inline void tmm_spin_wait_free(struct tmm_spin *s)
{
	unsigned int spins = 0;

	while (__atomic_load_n(&s->locked, __ATOMIC_ACQUIRE))
		tmm_spin_wait(&spins);
}

static inline void tmm_spin_unlock(struct tmm_spin *s)
{
	__atomic_store_n(&s->locked, 0, __ATOMIC_RELEASE);
}

#endif /* TMM_SPIN_H */
