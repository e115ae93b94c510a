/*
 * tracked_self.h — the fixture of tests that measure their own threads: a
 * netlink client, and the test process tracked for the test's length.
 * Include after kselftest_harness.h and tmm_nl.h.
 */
#ifndef TMM_TRACKED_SELF_H
#define TMM_TRACKED_SELF_H

#include <unistd.h>

FIXTURE(tracked_self)
{
	struct tmm_nl nl;
};

FIXTURE_SETUP(tracked_self)
{
	ASSERT_EQ(0, tmm_nl_open(&self->nl));
	ASSERT_EQ(0, tmm_nl_track(&self->nl, getpid(), 0));
}

FIXTURE_TEARDOWN(tracked_self)
{
	tmm_nl_untrack(&self->nl, getpid());
	tmm_nl_close(&self->nl);
}

#endif /* TMM_TRACKED_SELF_H */
