/*
 * clock.h — a cheap monotonic clock for what runs on every switch (run-time
 * accounting for the tmmstat snapshot).
 *
 * Why: clock_gettime costs more than a whole user-level switch.  Where the
 * CPU's time-stamp counter ticks at a constant rate through sleep states
 * (/proc/cpuinfo flags constant_tsc and nonstop_tsc), tmm_clock_ns reads it
 * and scales it to nanoseconds with a factor calibrated against
 * CLOCK_MONOTONIC over the first CLOCK_CALIBRATE_NS (1 ms) after tmm_clock_init;
 * before that, and on any other machine, it is tmm_now_ns.  Its values are
 * on CLOCK_MONOTONIC's scale but may drift from it by the calibration's
 * error (under 1e-4): compare them with each other, not with
 * tmm_now_ns.
 */
#ifndef TMM_CLOCK_H
#define TMM_CLOCK_H

#include <stdint.h>

enum tmm_clock_source { TMM_CLOCK_SYSCALL, TMM_CLOCK_CALIBRATING, TMM_CLOCK_BUSY, TMM_CLOCK_TSC };

struct tmm_clock {
	int source; /* enum tmm_clock_source, atomic */
	uint64_t tsc0, ns0;
	uint64_t mult; /* nanoseconds per tick, fixed point with 32 fraction bits */
};

extern struct tmm_clock tmm_clock;

/* Once per process, from tmm_init; later calls do nothing. */
void tmm_clock_init(void);

uint64_t tmm_clock_slow_ns(void);

static inline uint64_t tmm_clock_ns(void)
{
#if defined(__x86_64__)
	if (__atomic_load_n(&tmm_clock.source, __ATOMIC_ACQUIRE) == TMM_CLOCK_TSC) {
		uint64_t ticks = __builtin_ia32_rdtsc() - tmm_clock.tsc0;

		return tmm_clock.ns0 +
		       (uint64_t)(((unsigned __int128)ticks * tmm_clock.mult) >> 32);
	}
#endif
	return tmm_clock_slow_ns();
}

#endif /* TMM_CLOCK_H */
