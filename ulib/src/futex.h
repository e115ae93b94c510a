/* futex.h — the two futex calls tmm sleeps and wakes kernel threads with. */
#ifndef TMM_FUTEX_H
#define TMM_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Deadlines past this (146 years of uptime) mean "never": the kernel refuses them. */
#define TMM_DEADLINE_NEVER (1ull << 62)

/*
 * Sleeps while *word == expected, until woken or the absolute CLOCK_MONOTONIC
 * @deadline_ns (0: none).  Returns 0, or ETIMEDOUT once the deadline passed;
 * spurious returns are possible, callers re-check their condition.  errno is
 * left as it was: the caller may be a user's thread between two calls.
 */
static inline int tmm_futex_wait(int *word, int expected, uint64_t deadline_ns)
{
	struct timespec ts, *tsp = 0;
	int saved = errno, rc = 0;

	if (deadline_ns && deadline_ns < TMM_DEADLINE_NEVER) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
		ts.tv_nsec = (long)(deadline_ns % 1000000000u);
		tsp = &ts;
	}
	if (syscall(SYS_futex, word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp, 0,
		    FUTEX_BITSET_MATCH_ANY) == -1 &&
	    errno == ETIMEDOUT)
		rc = ETIMEDOUT;
	errno = saved;
	return rc;
}

static inline void tmm_futex_wake(int *word, int count)
{
	int saved = errno;

	syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, 0, 0, 0);
	errno = saved;
}

#endif /* TMM_FUTEX_H */
