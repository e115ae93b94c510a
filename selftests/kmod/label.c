// SET_LABEL names a kernel thread; labelling an untracked thread tracks its
// process; RESET zeroes a process's counters.
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

FIXTURE(nl)
{
	struct tmm_nl nl;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, tmm_nl_open(&self->nl));
}

FIXTURE_TEARDOWN(nl)
{
	tmm_nl_untrack(&self->nl, getpid());
	tmm_nl_close(&self->nl);
}

struct labeller {
	struct tmm_nl *nl;
	int err;
};

static void *label_itself(void *arg)
{
	struct labeller *l = arg;

	l->err = tmm_nl_set_label(l->nl, gettid_(), "m:n worker 3");
	return NULL;
}

TEST_F(nl, a_thread_labels_itself)
{
	struct tmm_thread_stat st;
	struct labeller l = {.nl = &self->nl};
	pthread_t t;

	ASSERT_EQ(0, tmm_nl_track(&self->nl, getpid(), 0));
	ASSERT_EQ(0, tmm_nl_set_label(&self->nl, gettid_(), "monitor"));
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, gettid_(), &st));
	EXPECT_STREQ("monitor", st.label);

	// A second thread labels itself; the first keeps its label.
	ASSERT_EQ(0, pthread_create(&t, NULL, label_itself, &l));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, l.err);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, gettid_(), &st));
	EXPECT_STREQ("monitor", st.label);

	// An empty label clears it.
	ASSERT_EQ(0, tmm_nl_set_label(&self->nl, gettid_(), ""));
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, gettid_(), &st));
	EXPECT_STREQ("", st.label);
}

TEST_F(nl, longest_label_fits_and_longer_is_refused)
{
	char label[TMM_LABEL_LEN + 1];
	struct tmm_thread_stat st;

	ASSERT_EQ(0, tmm_nl_track(&self->nl, getpid(), 0));
	memset(label, 'x', sizeof(label));
	label[TMM_LABEL_LEN - 1] = '\0';
	ASSERT_EQ(0, tmm_nl_set_label(&self->nl, gettid_(), label));
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, gettid_(), &st));
	EXPECT_STREQ(label, st.label);
	label[TMM_LABEL_LEN - 1] = 'x';
	label[TMM_LABEL_LEN] = '\0';
	EXPECT_NE(0, tmm_nl_set_label(&self->nl, gettid_(), label));
}

TEST_F(nl, labelling_an_untracked_thread_tracks_its_process)
{
	struct tmm_process_stat ps;
	struct tmm_thread_stat st;

	EXPECT_EQ(ENOENT, tmm_nl_get_process(&self->nl, getpid(), &ps));
	ASSERT_EQ(0, tmm_nl_set_label(&self->nl, gettid_(), "monitor"));
	ASSERT_EQ(0, tmm_nl_get_process(&self->nl, getpid(), &ps));
	EXPECT_TRUE((ps.flags & TMM_TRACK_IMPLICIT) != 0);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, gettid_(), &st));
	EXPECT_STREQ("monitor", st.label);
}

TEST_F(nl, reset_zeroes_the_counters)
{
	struct timespec ms = {0, 1000 * 1000};
	struct tmm_thread_stat before, after;
	int i;

	ASSERT_EQ(0, tmm_nl_track(&self->nl, getpid(), 0));
	for (i = 0; i < 5; i++)
		nanosleep(&ms, NULL);
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, gettid_(), &before));
	EXPECT_GE(before.v[TMM_THREAD_A_S_BLOCKS], 5u);
	ASSERT_EQ(0, tmm_nl_reset(&self->nl, getpid()));
	ASSERT_EQ(0, tmm_nl_get_thread(&self->nl, gettid_(), &after));
	// Only this exchange's own blocks (at most a few) since the reset.
	EXPECT_LT(after.v[TMM_THREAD_A_S_BLOCKS], 3u);
	EXPECT_EQ(0u, after.block_hist[10] + after.block_hist[11]); // no ms sleeps
	EXPECT_LT(after.v[TMM_THREAD_A_TRACKED_NS], before.v[TMM_THREAD_A_TRACKED_NS]);
	EXPECT_EQ(ENOENT, tmm_nl_reset(&self->nl, getppid()));
}

TEST_HARNESS_MAIN
