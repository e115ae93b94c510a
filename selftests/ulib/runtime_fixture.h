/*
 * runtime_fixture.h — what most libtmm tests share: a runtime per test,
 * started as a program starts it (tmm_init(NULL): the model and kernel
 * threads from TMM_MODEL and TMM_KTHREADS, which selftests/run-host sets),
 * and the clock the timeout tests read.
 *
 * Include after kselftest_harness.h and tmm.h; use as TEST_F(rt, name).
 */
#ifndef TMM_RUNTIME_FIXTURE_H
#define TMM_RUNTIME_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MS 1000000ull

FIXTURE(rt){};
FIXTURE_SETUP(rt)
{
	ASSERT_EQ(0, tmm_init(NULL));
}
FIXTURE_TEARDOWN(rt)
{
	EXPECT_EQ(0, tmm_fini());
}

/*
 * M:1, or M:N on one kernel thread: every thread shares main's processor, so
 * what runs when is up to tmm alone, not to the kernel's scheduler as well.
 */
static inline int one_processor(void)
{
	const char *kthreads = getenv("TMM_KTHREADS");

	return tmm_current_model() == TMM_M1 ||
	       (tmm_current_model() == TMM_MN && kthreads && !strcmp(kthreads, "1"));
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* TMM_RUNTIME_FIXTURE_H */
