// Access: a user may track and read its own processes, not another user's;
// root may do everything.
#include <grp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_child.h"
#include "tmm_nl.h"

#define NOBODY 65534

static int become_nobody(void)
{
	return setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY);
}

FIXTURE(root_child)
{
	struct tmm_nl nl;
	struct tmm_child child; // root's process, tracked by root
};

FIXTURE_SETUP(root_child)
{
	ASSERT_EQ(0u, getuid()) TH_LOG("the access tests run as root and drop to nobody");
	ASSERT_EQ(0, tmm_nl_open(&self->nl));
	ASSERT_EQ(0, tmm_child_start(&self->child, 1, 0));
	ASSERT_EQ(0, tmm_child_wait_ready(&self->child));
	ASSERT_EQ(0, tmm_nl_track(&self->nl, self->child.pid, 0));
}

FIXTURE_TEARDOWN(root_child)
{
	// The child dies with this test's process (PR_SET_PDEATHSIG).
	tmm_nl_close(&self->nl);
}

TEST_F(root_child, root_reads_another_users_process)
{
	struct tmm_thread_stat st;

	EXPECT_EQ(0, tmm_nl_get_thread(&self->nl, self->child.pid, &st));
	tmm_child_kill(&self->child);
}

TEST_F(root_child, user_reads_its_own_process)
{
	struct tmm_thread_stat st;
	struct tmm_process_stat ps;
	struct tmm_dump_ctx ctx = {0};
	pid_t me = getpid();

	ASSERT_EQ(0, become_nobody());
	EXPECT_EQ(0, tmm_nl_track(&self->nl, me, 0));
	EXPECT_EQ(0, tmm_nl_get_thread(&self->nl, me, &st));
	EXPECT_EQ(me, (pid_t)st.tid);
	EXPECT_EQ(0, tmm_nl_get_process(&self->nl, me, &ps));
	EXPECT_EQ(0, tmm_nl_dump_threads(&self->nl, me, &ctx));
	EXPECT_EQ(1, ctx.records);
	EXPECT_EQ(0, tmm_nl_set_label(&self->nl, me, "monitor"));
	EXPECT_EQ(0, tmm_nl_reset(&self->nl, me));
	EXPECT_EQ(0, tmm_nl_untrack(&self->nl, me));
}

TEST_F(root_child, user_cannot_read_or_track_another_users_process)
{
	struct tmm_thread_stat st;
	struct tmm_process_stat ps;
	struct tmm_dump_ctx ctx = {0};
	pid_t root_pid = self->child.pid;

	ASSERT_EQ(0, become_nobody());
	EXPECT_EQ(EPERM, tmm_nl_get_thread(&self->nl, root_pid, &st));
	EXPECT_EQ(EPERM, tmm_nl_get_process(&self->nl, root_pid, &ps));
	EXPECT_EQ(EPERM, tmm_nl_dump_threads(&self->nl, root_pid, &ctx));
	EXPECT_EQ(0, ctx.records);
	EXPECT_EQ(EPERM, tmm_nl_track(&self->nl, root_pid, 0));
	EXPECT_EQ(EPERM, tmm_nl_untrack(&self->nl, root_pid));
	EXPECT_EQ(EPERM, tmm_nl_reset(&self->nl, root_pid));
	EXPECT_EQ(EPERM, tmm_nl_set_label(&self->nl, root_pid, "mine now"));
	EXPECT_EQ(EPERM, tmm_nl_track(&self->nl, 1, 0));
}

TEST_HARNESS_MAIN
