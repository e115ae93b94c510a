// The probes are attached only while something is tracked: TRACK attaches
// them, and a second after the last tracked process goes they are detached,
// so a loaded but idle module costs nothing.
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"

TEST(probes_attach_while_tracking_and_detach_when_idle)
{
	struct timespec linger = {1, 500 * 1000 * 1000};
	struct tmm_hello h;
	struct tmm_nl nl;

	ASSERT_EQ(0, tmm_nl_open(&nl));
	ASSERT_EQ(0, tmm_nl_track(&nl, getpid(), 0));
	ASSERT_EQ(0, tmm_nl_hello(&nl, &h));
	EXPECT_EQ(1u, h.probes_attached);
	EXPECT_GE(h.threads, 1u);
	ASSERT_EQ(0, tmm_nl_untrack(&nl, getpid()));
	ASSERT_EQ(0, tmm_nl_hello(&nl, &h));
	if (h.threads != 0) {
		tmm_nl_close(&nl);
		SKIP(return, "%u threads of other processes are still tracked", h.threads);
	}
	nanosleep(&linger, NULL);
	ASSERT_EQ(0, tmm_nl_hello(&nl, &h));
	EXPECT_EQ(0u, h.probes_attached);
	tmm_nl_close(&nl);
}

TEST_HARNESS_MAIN
