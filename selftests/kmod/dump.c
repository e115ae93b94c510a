// Tracking whole processes: a process with 1,000 threads dumps 1,000
// records; threads born after TRACK are tracked from birth; children are
// tracked only when asked; UNTRACK forgets.
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_child.h"
#include "tmm_nl.h"

struct tid_set {
	pid_t tgid;
	int wrong_tgid;
	int n;
	pid_t tids[1100];
};

static void collect_tid(const struct tmm_thread_stat *st, void *arg)
{
	struct tid_set *set = arg;

	if ((pid_t)st->tgid != set->tgid)
		set->wrong_tgid++;
	if (set->n < (int)(sizeof(set->tids) / sizeof(set->tids[0])))
		set->tids[set->n++] = (pid_t)st->tid;
}

static int distinct(struct tid_set *set)
{
	int i, j;

	for (i = 0; i < set->n; i++)
		for (j = i + 1; j < set->n; j++)
			if (set->tids[i] == set->tids[j])
				return 0;
	return 1;
}

FIXTURE(nl)
{
	struct tmm_nl nl;
	struct tmm_child child;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, tmm_nl_open(&self->nl));
	self->child.pid = 0;
}

FIXTURE_TEARDOWN(nl)
{
	if (self->child.pid > 0)
		tmm_child_kill(&self->child);
	tmm_nl_close(&self->nl);
}

TEST_F(nl, thousand_threads_dump_thousand_records)
{
	static struct tid_set set;
	struct tmm_dump_ctx ctx = {.fn = collect_tid, .arg = &set};
	struct tmm_process_stat ps;

	ASSERT_EQ(0, tmm_child_start(&self->child, 999, 0));
	ASSERT_EQ(0, tmm_child_wait_ready(&self->child));
	ASSERT_EQ(0, tmm_nl_track(&self->nl, self->child.pid, 0));
	memset(&set, 0, sizeof(set));
	set.tgid = self->child.pid;
	ASSERT_EQ(0, tmm_nl_dump_threads(&self->nl, self->child.pid, &ctx));
	EXPECT_EQ(1000, ctx.records);
	EXPECT_EQ(0, set.wrong_tgid);
	EXPECT_TRUE(distinct(&set));
	ASSERT_EQ(0, tmm_nl_get_process(&self->nl, self->child.pid, &ps));
	EXPECT_EQ(1000, (int)ps.threads);
	EXPECT_EQ(0, (int)ps.dropped);
	EXPECT_EQ(self->child.pid, (pid_t)ps.tgid);
}

TEST_F(nl, threads_born_after_track_are_tracked)
{
	struct tmm_dump_ctx ctx = {0};
	struct tmm_process_stat ps;

	ASSERT_EQ(0, tmm_child_start(&self->child, 2, 10));
	ASSERT_EQ(0, tmm_child_wait_ready(&self->child));
	ASSERT_EQ(0, tmm_nl_track(&self->nl, self->child.pid, 0));
	ASSERT_EQ(0, tmm_child_go(&self->child));
	ASSERT_EQ(0, tmm_child_wait_ready(&self->child));
	ASSERT_EQ(0, tmm_nl_dump_threads(&self->nl, self->child.pid, &ctx));
	EXPECT_EQ(13, ctx.records);
	ASSERT_EQ(0, tmm_nl_get_process(&self->nl, self->child.pid, &ps));
	EXPECT_EQ(13, (int)ps.threads_seen);
}

TEST_F(nl, children_are_tracked_only_when_asked)
{
	struct tmm_child grandchild;
	struct tmm_process_stat ps;
	struct tmm_dump_ctx ctx = {0};
	int with_children;

	// This test's own process forks; track it, then fork a child.
	for (with_children = 0; with_children < 2; with_children++) {
		ASSERT_EQ(
		    0, tmm_nl_track(&self->nl, getpid(), with_children ? TMM_TRACK_CHILDREN : 0));
		ASSERT_EQ(0, tmm_child_start(&grandchild, 1, 0));
		ASSERT_EQ(0, tmm_child_wait_ready(&grandchild));
		if (with_children) {
			ASSERT_EQ(0, tmm_nl_get_process(&self->nl, grandchild.pid, &ps));
			EXPECT_TRUE((ps.flags & TMM_TRACK_CHILDREN) != 0);
			ASSERT_EQ(0, tmm_nl_dump_threads(&self->nl, grandchild.pid, &ctx));
			EXPECT_EQ(2, ctx.records);
		} else {
			EXPECT_EQ(ENOENT, tmm_nl_get_process(&self->nl, grandchild.pid, &ps));
		}
		tmm_child_kill(&grandchild);
		ASSERT_EQ(0, tmm_nl_untrack(&self->nl, getpid()));
	}
}

TEST_F(nl, untrack_forgets_the_threads)
{
	struct tmm_thread_stat st;

	ASSERT_EQ(0, tmm_child_start(&self->child, 1, 0));
	ASSERT_EQ(0, tmm_child_wait_ready(&self->child));
	ASSERT_EQ(0, tmm_nl_track(&self->nl, self->child.pid, 0));
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, self->child.pid, &st));
	ASSERT_EQ(0, tmm_nl_untrack(&self->nl, self->child.pid));
	EXPECT_EQ(ENOENT, tmm_nl_get_thread(&self->nl, self->child.pid, &st));
	EXPECT_EQ(ENOENT, tmm_nl_untrack(&self->nl, self->child.pid));
	EXPECT_EQ(ENOENT,
		  tmm_nl_dump_threads(&self->nl, self->child.pid, &(struct tmm_dump_ctx){0}));
}

TEST_HARNESS_MAIN
