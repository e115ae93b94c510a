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

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* TMM_RUNTIME_FIXTURE_H */
