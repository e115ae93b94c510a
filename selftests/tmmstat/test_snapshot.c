// ulib's snapshot writer and its labels, read back the way tmmstat reads
// them: through /proc/PID/fd and tmmstat's own checked reader.
//
// The labels are read back with tmmstat itself, as a user would.
#include <sys/syscall.h>

#include "../../tools/tmmstat/snapshot.c"
#include "../../ulib/src/kmod_label.h"
#include "../../ulib/src/snapshot.h"
#include "helpers.h"
#include "kselftest_harness.h"

static pid_t my_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static const struct tmm_snap_thread *thread_with_id(const struct snapshot *s, uint64_t id)
{
	for (uint32_t i = 0; i < s->header->thread_capacity; i++)
		if (s->threads[i].id == id)
			return &s->threads[i];
	return NULL;
}

FIXTURE(writer)
{
	struct snapshot s;
};

FIXTURE_SETUP(writer)
{
	memset(&self->s, 0, sizeof(self->s));
	ASSERT_EQ(0, tmm_snapshot_init(TMM_MN, 2));
}

FIXTURE_TEARDOWN(writer)
{
	snapshot_free(&self->s);
	tmm_snapshot_fini();
}

TEST_F(writer, header_and_records_read_back)
{
	struct tmm_snap_kthread *k = tmm_snapshot_kthread_add(my_tid(), TMM_ROLE_WORKER, 0);
	struct tmm_snap_thread *t = tmm_snapshot_thread_add(1, "main");
	const struct tmm_snap_thread *seen;
	const char *why = NULL;

	ASSERT_NE(NULL, k);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(k, tmm_snapshot_kthread_self());
	tmm_snapshot_switched_in(t, k);
	tmm_snapshot_switched_out(t, TMM_BLOCKED, 1234);
	tmm_snapshot_switched_in(t, k);
	ASSERT_EQ(0, snapshot_read(getpid(), &self->s, &why)) TH_LOG("%s", why);
	EXPECT_EQ(TMM_MN, (int)self->s.header->model);
	EXPECT_EQ(2u, self->s.header->kthreads_max);
	EXPECT_EQ(getpid(), self->s.header->pid);
	EXPECT_EQ(0u, self->s.header->generation % 2);
	seen = thread_with_id(&self->s, 1);
	ASSERT_NE(NULL, seen);
	EXPECT_STREQ("main", seen->name);
	EXPECT_EQ(TMM_RUNNING, (int)seen->state);
	EXPECT_EQ(my_tid(), seen->ktid);
	EXPECT_EQ(2u, seen->switches);
	EXPECT_EQ(1234u, seen->run_ns);
	for (uint32_t i = 0; i < self->s.header->kthread_capacity; i++) {
		if (self->s.kthreads[i].tid == my_tid()) {
			EXPECT_EQ(2u, self->s.kthreads[i].switches);
			EXPECT_EQ(TMM_ROLE_WORKER, (int)self->s.kthreads[i].role);
			EXPECT_STREQ("tmm-worker-0", self->s.kthreads[i].label);
		}
	}
}

TEST_F(writer, records_stay_put_while_the_table_grows)
{
	enum { N = 300 }; /* past the initial 64 records, several doublings */
	struct tmm_snap_thread *t[N];
	const char *why = NULL;
	char name[32];

	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		t[i] = tmm_snapshot_thread_add(i + 1, name);
		ASSERT_NE(NULL, t[i]);
		tmm_snapshot_set_state(t[i], TMM_RUNNABLE);
	}
	/* The first records, handed out before any growth, are still written through. */
	tmm_snapshot_switched_out(t[0], TMM_BLOCKED, 77);
	for (int i = 1; i < N; i += 2)
		tmm_snapshot_thread_remove(t[i]);
	ASSERT_EQ(0, snapshot_read(getpid(), &self->s, &why)) TH_LOG("%s", why);
	EXPECT_LE((uint32_t)N, self->s.header->thread_capacity);
	EXPECT_EQ(0u, self->s.header->generation % 2);
	EXPECT_LT(0u, self->s.header->generation); /* it grew, under the counter */
	ASSERT_NE(NULL, thread_with_id(&self->s, 1));
	EXPECT_EQ(77u, thread_with_id(&self->s, 1)->run_ns);
	for (int i = 0; i < N; i++) {
		const struct tmm_snap_thread *seen = thread_with_id(&self->s, i + 1);

		if (i % 2) {
			EXPECT_EQ(NULL, seen) TH_LOG("removed %d still there", i + 1);
		} else {
			ASSERT_NE(NULL, seen);
			snprintf(name, sizeof(name), "t%d", i);
			EXPECT_STREQ(name, seen->name);
		}
	}
}

TEST_F(writer, long_names_are_cut_and_terminated)
{
	struct tmm_snap_thread *t =
	    tmm_snapshot_thread_add(9, "a-very-long-thread-name-that-does-not-fit-in-32");

	ASSERT_NE(NULL, t);
	EXPECT_EQ('\0', t->name[TMM_SNAP_NAME_LEN - 1]);
	EXPECT_EQ(TMM_SNAP_NAME_LEN - 1, (int)strlen(t->name));
}

TEST_F(writer, a_forked_child_leaves_the_parents_snapshot_alone)
{
	struct tmm_snap_thread *t = tmm_snapshot_thread_add(5, "shared");
	const char *why = NULL;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, t);
	pid = fork();
	if (pid == 0) {
		struct snapshot mine;
		const char *w;

		tmm_snapshot_switched_out(t, TMM_TERMINATED, 999);
		/* And the child is not taken for a tmm process. */
		_exit(snapshot_read(getpid(), &mine, &w) == ENOENT ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, snapshot_read(getpid(), &self->s, &why));
	EXPECT_EQ(0u, thread_with_id(&self->s, 5)->run_ns);
}

TEST(fini_removes_the_snapshot_and_stale_records_stay_writable)
{
	struct snapshot s;
	struct tmm_snap_thread *t;
	const char *why;

	ASSERT_EQ(0, tmm_snapshot_init(TMM_1TO1, 0));
	t = tmm_snapshot_thread_add(1, "daemon");
	ASSERT_NE(NULL, t);
	tmm_snapshot_fini();
	EXPECT_EQ(ENOENT, snapshot_read(getpid(), &s, &why));
	EXPECT_FALSE(tmm_snapshot_enabled());
	tmm_snapshot_switched_out(t, TMM_RUNNABLE, 1); /* a 1:1 daemon outliving tmm_fini */
	EXPECT_EQ(NULL, tmm_snapshot_thread_add(2, "late"));
	/* And the runtime can start again. */
	ASSERT_EQ(0, tmm_snapshot_init(TMM_M1, 1));
	ASSERT_EQ(0, snapshot_read(getpid(), &s, &why));
	EXPECT_EQ(TMM_M1, (int)s.header->model);
	snapshot_free(&s);
	tmm_snapshot_fini();
}

/* tmmstat show's exit status for this process; its output in *@out if asked. */
static int show_status(char **out)
{
	char pid[16];
	struct result r;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	tmmstat(&r, "show", "--json", pid);
	if (out) {
		*out = r.out;
		r.out = NULL;
	}
	result_free(&r);
	return r.status;
}

TEST(tmm_init_publishes_nothing_unless_tmm_stats_is_1)
{
	static const char *const off[] = {NULL, "0"};
	struct snapshot s;
	const char *why;
	char *json;

	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		if (off[i])
			setenv("TMM_STATS", off[i], 1);
		else
			unsetenv("TMM_STATS");
		ASSERT_EQ(0, tmm_init(NULL));
		EXPECT_FALSE(tmm_snapshot_enabled());
		EXPECT_EQ(ENOENT, snapshot_read(getpid(), &s, &why));
		/* No label either: the module never heard of this process. */
		EXPECT_EQ(8, show_status(NULL)) TH_LOG("TMM_STATS=%s", off[i] ? off[i] : "(unset)");
		ASSERT_EQ(0, tmm_fini());
	}
	/* Outside the runtime, nothing is published and the switch-path helpers take NULL. */
	EXPECT_EQ(NULL, tmm_snapshot_thread_add(1, "main"));
	EXPECT_EQ(NULL, tmm_snapshot_kthread_add(my_tid(), TMM_ROLE_MAIN, 0));
	tmm_snapshot_switched_in(NULL, NULL);
	tmm_snapshot_switched_out(NULL, TMM_BLOCKED, 1);
	EXPECT_EQ(8, show_status(NULL));

	setenv("TMM_STATS", "1", 1);
	ASSERT_EQ(0, tmm_init(NULL));
	EXPECT_TRUE(tmm_snapshot_enabled());
	ASSERT_EQ(0, snapshot_read(getpid(), &s, &why)) TH_LOG("%s", why);
	snapshot_free(&s);
	ASSERT_EQ(0, show_status(&json));
	EXPECT_NE(NULL, strstr(json, "\"label\":\"tmm-")) TH_LOG("%s", json);
	free(json);
	ASSERT_EQ(0, tmm_fini());
	unsetenv("TMM_STATS");
}

TEST(bad_arguments)
{
	EXPECT_EQ(EINVAL, tmm_snapshot_init((enum tmm_model)7, 1));
	ASSERT_EQ(0, tmm_snapshot_init(TMM_MN, 1));
	EXPECT_EQ(EBUSY, tmm_snapshot_init(TMM_MN, 1));
	EXPECT_EQ(NULL, tmm_snapshot_thread_add(0, "no id"));
	EXPECT_EQ(NULL, tmm_snapshot_kthread_add(0, TMM_ROLE_WORKER, 0));
	EXPECT_EQ(NULL, tmm_snapshot_kthread_add(my_tid(), (enum tmm_snap_role)42, 0));
	tmm_snapshot_fini();
	EXPECT_EQ(EINVAL, tmm_kmod_label(0, "x"));
	EXPECT_EQ(EINVAL, tmm_kmod_label(my_tid(), NULL));
}

/* The show --json line of thread @tid, as tmmstat prints it. */
static char *show_json(void)
{
	char pid[16];
	struct result r;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	tmmstat(&r, "show", "--json", pid);
	free(r.err);
	return r.status == 0 ? r.out : (free(r.out), NULL);
}

TEST(kernel_threads_are_labelled_in_the_module)
{
	char *json;

	ASSERT_EQ(0, tmm_snapshot_init(TMM_MN, 4));
	ASSERT_NE(NULL, tmm_snapshot_kthread_add(my_tid(), TMM_ROLE_SPARE, 3));
	/* Labelling tracks the process (the module's rule): tmmstat sees it. */
	json = show_json();
	ASSERT_NE(NULL, json);
	EXPECT_NE(NULL, strstr(json, "\"label\":\"tmm-spare-3\"")) TH_LOG("%s", json);
	free(json);
	/* Directly, with a label longer than the module keeps (31 bytes and a NUL). */
	EXPECT_EQ(0, tmm_kmod_label(my_tid(), "0123456789012345678901234567890123456789"));
	json = show_json();
	ASSERT_NE(NULL, json);
	EXPECT_NE(NULL, strstr(json, "\"label\":\"0123456789012345678901234567890\""));
	free(json);
	tmm_snapshot_fini();
}

/* A memfd named "tmm-snapshot" holding @size bytes of @data, as a bad writer would leave. */
static int fake_snapshot(const void *data, size_t size)
{
	int fd = memfd_create(TMM_SNAP_MEMFD_NAME, MFD_CLOEXEC);

	if (fd >= 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		fd = -1;
	}
	return fd;
}

TEST(a_corrupt_snapshot_is_refused_with_the_reason)
{
	struct tmm_snap_header h = {.magic = TMM_SNAP_MAGIC,
				    .version = TMM_SNAP_VERSION,
				    .header_size = sizeof(h),
				    .kthread_size = sizeof(struct tmm_snap_kthread),
				    .thread_size = sizeof(struct tmm_snap_thread),
				    .kthread_capacity = 1000, /* runs far past the end */
				    .kthreads_offset = sizeof(h),
				    .threads_offset = sizeof(h),
				    .total_size = sizeof(h),
				    .model = TMM_MN};
	static const char garbage[] = "not a snapshot at all, just bytes";
	char pid[16];
	struct result r;
	int fd;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	tmmstat(&r, "track", pid);
	ASSERT_EQ(0, r.status);
	result_free(&r);

	fd = fake_snapshot(&h, sizeof(h));
	ASSERT_LE(0, fd);
	tmmstat(&r, "show", "--ult", pid);
	EXPECT_EQ(9, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "runs past the end")) TH_LOG("%s", r.err);
	result_free(&r);
	close(fd);

	fd = fake_snapshot(garbage, sizeof(garbage));
	ASSERT_LE(0, fd);
	tmmstat(&r, "show", "--ult", pid);
	EXPECT_EQ(9, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	result_free(&r);
	close(fd);
}

TEST_HARNESS_MAIN
