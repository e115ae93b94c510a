// Tracking whole processes: a process with 1,000 threads dumps 1,000
// records (TMM_DUMP_THREADS=10000 tries more by hand); threads born after
// TRACK are tracked from birth; children are tracked only when asked;
// UNTRACK forgets.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_child.h"
#include "tmm_nl.h"

struct tid_set {
	pid_t tgid;
	int wrong_tgid;
	int n, size;
	pid_t *tids;
};

static void collect_tid(const struct tmm_thread_stat *st, void *arg)
{
	struct tid_set *set = arg;

	if ((pid_t)st->tgid != set->tgid)
		set->wrong_tgid++;
	if (set->n < set->size)
		set->tids[set->n++] = (pid_t)st->tid;
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

static int distinct(struct tid_set *set)
{
	int i;

	qsort(set->tids, set->n, sizeof(set->tids[0]), cmp_pid);
	for (i = 1; i < set->n; i++)
		if (set->tids[i - 1] == set->tids[i])
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
	const char *env = getenv("TMM_DUMP_THREADS");
	int threads = env ? atoi(env) : 1000;
	struct tid_set set = {.tgid = 0};
	struct tmm_dump_ctx ctx = {.fn = collect_tid, .arg = &set};
	struct tmm_process_stat ps;

	ASSERT_GT(threads, 0);
	set.size = threads + 100;
	set.tids = calloc(set.size, sizeof(set.tids[0]));
	ASSERT_NE(NULL, set.tids);
	ASSERT_EQ(0, tmm_child_start(&self->child, threads - 1, 0));
	ASSERT_EQ(0, tmm_child_wait_ready(&self->child));
	ASSERT_EQ(0, tmm_nl_track(&self->nl, self->child.pid, 0));
	set.tgid = self->child.pid;
	ASSERT_EQ(0, tmm_nl_dump_threads(&self->nl, self->child.pid, &ctx));
	TH_LOG("%d threads, %d records dumped", threads, ctx.records);
	EXPECT_EQ(threads, ctx.records);
	EXPECT_EQ(0, set.wrong_tgid);
	EXPECT_TRUE(distinct(&set));
	ASSERT_EQ(0, tmm_nl_get_process(&self->nl, self->child.pid, &ps));
	EXPECT_EQ(threads, (int)ps.threads);
	EXPECT_EQ(0, (int)ps.dropped);
	EXPECT_EQ(self->child.pid, (pid_t)ps.tgid);
	free(set.tids);
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

#define MAX_THREADS_PARAM "/sys/module/tmm/parameters/max_threads"

static int write_max_threads(unsigned int n)
{
	FILE *f = fopen(MAX_THREADS_PARAM, "w");
	int ok;

	if (!f)
		return errno;
	ok = fprintf(f, "%u\n", n) > 0;
	return fclose(f) == 0 && ok ? 0 : EIO;
}

TEST_F(nl, threads_past_the_cap_are_counted_as_dropped)
{
	struct tmm_hello before, after;
	struct tmm_process_stat ps;
	struct tmm_dump_ctx ctx = {0};

	ASSERT_EQ(0, tmm_nl_hello(&self->nl, &before));
	ASSERT_EQ(0, tmm_child_start(&self->child, 19, 0));
	ASSERT_EQ(0, tmm_child_wait_ready(&self->child));
	// Room for 5 more threads than are tracked now.
	ASSERT_EQ(0, write_max_threads(before.threads + 5));
	EXPECT_EQ(0, tmm_nl_track(&self->nl, self->child.pid, 0));
	write_max_threads(before.max_threads);
	ASSERT_EQ(0, tmm_nl_get_process(&self->nl, self->child.pid, &ps));
	ASSERT_EQ(0, tmm_nl_dump_threads(&self->nl, self->child.pid, &ctx));
	ASSERT_EQ(0, tmm_nl_hello(&self->nl, &after));
	TH_LOG("tracked %u, dropped %llu", ps.threads, (unsigned long long)ps.dropped);
	EXPECT_LE(ps.threads, 5u);
	EXPECT_EQ(20u, ps.threads + ps.dropped); // none silently lost
	EXPECT_EQ((int)ps.threads, ctx.records);
	EXPECT_EQ(after.dropped - before.dropped, ps.dropped);
	EXPECT_EQ(before.max_threads, after.max_threads);
}

TEST_HARNESS_MAIN
