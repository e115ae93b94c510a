// Pids are read and written in the caller's pid namespace: a process that
// is pid 1 of its own namespace tracks and reads itself as pid 1, and cannot
// name processes outside it; its parent sees it under its outer pid.
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"

enum { OK_TRACK = 1, OK_TID = 2, OK_OUTSIDE = 4, OK_ALL = 7 };

// Runs as pid 1 of a new namespace; returns which checks held.
static int inside(pid_t outer_parent)
{
	struct tmm_thread_stat st;
	struct tmm_nl nl;
	int ok = 0;

	if (tmm_nl_open(&nl))
		return 0;
	if (getpid() == 1 && tmm_nl_track(&nl, 1, 0) == 0)
		ok |= OK_TRACK;
	if (tmm_nl_get_thread(&nl, 1, &st) == 0 && st.tid == 1 && st.tgid == 1)
		ok |= OK_TID;
	// The parent's pid means nothing (or another process) in here.
	if (tmm_nl_get_thread(&nl, outer_parent, &st) != 0)
		ok |= OK_OUTSIDE;
	tmm_nl_close(&nl);
	return ok;
}

TEST(pids_are_in_the_callers_namespace)
{
	pid_t parent = getpid(), child;
	struct tmm_process_stat ps;
	int pipefd[2], status;
	struct tmm_nl nl;
	char go;

	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, unshare(CLONE_NEWPID)) TH_LOG("needs root");
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		int ok = inside(parent);

		// Stays alive until the parent has looked at it from outside.
		close(pipefd[1]);
		if (read(pipefd[0], &go, 1) < 0)
			_exit(0);
		_exit(ok);
	}
	close(pipefd[0]);
	ASSERT_EQ(0, tmm_nl_open(&nl));
	// Once the child tracked itself, the parent finds it under its outer pid.
	for (int tries = 0; tries < 500; tries++) {
		if (tmm_nl_get_process(&nl, child, &ps) == 0)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, tmm_nl_get_process(&nl, child, &ps));
	EXPECT_EQ(child, (pid_t)ps.tgid);
	close(pipefd[1]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(OK_ALL, WEXITSTATUS(status));
	tmm_nl_close(&nl);
}

TEST_HARNESS_MAIN
