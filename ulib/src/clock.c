/*
 * clock.c — calibration of the cheap clock (clock.h).
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "park.h"

/*
 * Long enough that the reads' own uncertainty (tens of ns at each end) is
 * under 1e-4, short enough that short programs get the cheap clock too.
 */
#define CLOCK_CALIBRATE_NS 1000000ull
/* A pair whose two TSC reads are further apart was interrupted: read again. */
#define PAIR_MAX_TICKS 20000u

struct tmm_clock tmm_clock;

/* Where calibration started, written once before the source turns CALIBRATING. */
static uint64_t start_tsc, start_ns;

/* Constant rate, and ticking in deep sleep states too: else not a clock. */
static int tsc_usable(void)
{
#if defined(__x86_64__)
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int constant = 0, nonstop = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			constant = !!strstr(line, " constant_tsc");
			nonstop = !!strstr(line, " nonstop_tsc");
			break;
		}
	fclose(f);
	return constant && nonstop;
#else
	return 0;
#endif
}

#if defined(__x86_64__)
/*
 * A CLOCK_MONOTONIC reading and the TSC at that moment: the middle of two
 * TSC reads around it, retried when something (an interrupt, the
 * hypervisor) came between them.
 */
static int paired_read(uint64_t *ns, uint64_t *tsc)
{
	for (int i = 0; i < 8; i++) {
		uint64_t before = __builtin_ia32_rdtsc();
		uint64_t now = tmm_now_ns();
		uint64_t after = __builtin_ia32_rdtsc();

		if (after >= before && after - before < PAIR_MAX_TICKS) {
			*ns = now;
			*tsc = before + (after - before) / 2;
			return 1;
		}
	}
	return 0;
}
#endif

void tmm_clock_init(void)
{
	static int done;

	if (__atomic_exchange_n(&done, 1, __ATOMIC_ACQ_REL))
		return;
	if (!tsc_usable())
		return;
#if defined(__x86_64__)
	if (paired_read(&start_ns, &start_tsc))
		__atomic_store_n(&tmm_clock.source, TMM_CLOCK_CALIBRATING, __ATOMIC_RELEASE);
#endif
}

#if defined(__x86_64__)
/*
 * Once CLOCK_CALIBRATE_NS passed: the factor, and a new origin at this very
 * moment so the cheap clock takes over where CLOCK_MONOTONIC stands.
 */
static void calibrate(void)
{
	int calibrating = TMM_CLOCK_CALIBRATING;
	uint64_t now, tsc;

	if (!__atomic_compare_exchange_n(&tmm_clock.source, &calibrating, TMM_CLOCK_BUSY, 0,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (!paired_read(&now, &tsc) || tsc <= start_tsc || now <= start_ns) {
		__atomic_store_n(&tmm_clock.source, TMM_CLOCK_SYSCALL, __ATOMIC_RELEASE);
		return;
	}
	tmm_clock.mult =
	    (uint64_t)(((unsigned __int128)(now - start_ns) << 32) / (tsc - start_tsc));
	tmm_clock.ns0 = now;
	tmm_clock.tsc0 = tsc;
	__atomic_store_n(&tmm_clock.source, TMM_CLOCK_TSC, __ATOMIC_RELEASE);
}
#endif

uint64_t tmm_clock_slow_ns(void)
{
	uint64_t now = tmm_now_ns();

#if defined(__x86_64__)
	if (__atomic_load_n(&tmm_clock.source, __ATOMIC_ACQUIRE) == TMM_CLOCK_CALIBRATING &&
	    now - start_ns >= CLOCK_CALIBRATE_NS)
		calibrate();
#endif
	return now;
}
