// tmmstat show, top and hist against known workloads, in the VM: a plain
// pthread program and a tmm program under each model.  Each fixture starts
// the workload, tracks it, lets it do its work (workload.h) and keeps every
// thread alive while the tests look.
#include <stdint.h>

#include <linux/tmm.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "helpers.h"
#include "json_check.h"
#include "kselftest_harness.h"
#include "workload.h"

#define MS 1000000ull

static const struct jval *thread_named(const struct jval *threads, const char *comm)
{
	for (size_t i = 0; threads && i < threads->n; i++)
		if (jstr(threads->items[i], "comm") &&
		    strcmp(jstr(threads->items[i], "comm"), comm) == 0)
			return threads->items[i];
	return NULL;
}

/* Total block time in system calls whose name ends in "nanosleep". */
static uint64_t nanosleep_ns(const struct jval *thread)
{
	const struct jval *calls = jget(thread, "syscalls");
	uint64_t ns = 0;

	for (size_t i = 0; calls && i < calls->n; i++) {
		const char *name = jstr(calls->items[i], "name");

		if (name && strstr(name, "nanosleep"))
			ns += jnum(calls->items[i], "block_ns");
	}
	return ns;
}

/* ---- a plain pthread program ---------------------------------------------- */

FIXTURE(pthread_prog)
{
	struct workload w;
};

FIXTURE_SETUP(pthread_prog)
{
	struct result r;

	ASSERT_EQ(0, workload_start(&self->w, "workload_pthread", NULL, NULL, NULL));
	ASSERT_EQ(0, workload_expect(&self->w, "ready"));
	tmmstat(&r, "track", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("track: %s", r.err);
	result_free(&r);
	ASSERT_EQ(0, workload_go(&self->w));
	ASSERT_EQ(0, workload_expect(&self->w, "done"));
}

FIXTURE_TEARDOWN(pthread_prog)
{
	EXPECT_EQ(0, workload_finish(&self->w));
}

TEST_F(pthread_prog, json_has_every_thread_with_its_figures)
{
	const struct jval *threads, *sleeper, *blocker, *spinner;
	struct jval *doc;
	struct result r;

	tmmstat(&r, "show", "--json", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = json_parse(r.out);
	ASSERT_NE(NULL, doc) TH_LOG("not JSON: %s", r.out);
	EXPECT_EQ((uint64_t)self->w.pid, jnum(doc, "pid"));
	threads = jget(doc, "threads");
	ASSERT_NE(NULL, threads);
	EXPECT_EQ(4, (int)threads->n); /* main and the three workers */
	EXPECT_EQ(4u, jnum(jget(doc, "process"), "threads"));
	EXPECT_EQ(0u, jnum(jget(doc, "process"), "dropped"));
	for (size_t i = 0; i < threads->n; i++)
		EXPECT_EQ((uint64_t)self->w.pid, jnum(threads->items[i], "tgid"));
	sleeper = thread_named(threads, "sleeper");
	blocker = thread_named(threads, "blocker");
	spinner = thread_named(threads, "spinner");
	ASSERT_NE(NULL, sleeper);
	ASSERT_NE(NULL, blocker);
	ASSERT_NE(NULL, spinner);
	/* It slept 10 x 15 ms and the blocker 4 x 30 ms, in nanosleep. */
	EXPECT_GE(jnum(sleeper, "s_block_ns"), SLEEPER_NAPS * SLEEPER_NAP_NS);
	EXPECT_GE(jnum(sleeper, "s_blocks"), (uint64_t)SLEEPER_NAPS);
	EXPECT_GE(nanosleep_ns(sleeper), SLEEPER_NAPS * SLEEPER_NAP_NS);
	EXPECT_NE(NULL, strstr(jstr(sleeper, "top_syscall"), "nanosleep"));
	EXPECT_GE(jnum(blocker, "s_block_max_ns"), BLOCKER_NAP_NS);
	/* The spinner spun 30 ms without sleeping: more CPU than the sleeper. */
	EXPECT_GT(jnum(spinner, "on_cpu_ns"), jnum(sleeper, "on_cpu_ns"));
	EXPECT_GE(jnum(spinner, "on_cpu_ns"), 10 * MS);
	EXPECT_EQ(TMM_HIST_BUCKETS, (int)jget(sleeper, "block_hist")->n);
	j_free(doc);
	result_free(&r);
}

TEST_F(pthread_prog, table_names_threads_in_human_units)
{
	struct result r;

	tmmstat(&r, "show", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0, strncmp(r.out, "TID ", 4)) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, strstr(r.out, "S-TOTAL"));
	EXPECT_NE(NULL, strstr(r.out, "sleeper"));
	EXPECT_NE(NULL, strstr(r.out, "blocker"));
	EXPECT_NE(NULL, strstr(r.out, "spinner"));
	EXPECT_NE(NULL, strstr(r.out, "ms"));
	EXPECT_EQ(5, count_lines(r.out)); /* header and four threads */
	result_free(&r);
}

static int position_of(const struct jval *threads, const char *comm)
{
	for (size_t i = 0; threads && i < threads->n; i++)
		if (jstr(threads->items[i], "comm") &&
		    !strcmp(jstr(threads->items[i], "comm"), comm))
			return (int)i;
	return -1;
}

TEST_F(pthread_prog, sort_by_cpu_puts_the_spinner_before_the_sleepers)
{
	const struct jval *threads;
	uint64_t previous = UINT64_MAX;
	struct jval *doc;
	struct result r;

	tmmstat(&r, "show", "--json", "--sort", "cpu", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = json_parse(r.out);
	ASSERT_NE(NULL, doc);
	threads = jget(doc, "threads");
	ASSERT_LE(0, position_of(threads, "spinner"));
	EXPECT_LT(position_of(threads, "spinner"), position_of(threads, "sleeper"));
	EXPECT_LT(position_of(threads, "spinner"), position_of(threads, "blocker"));
	for (size_t i = 0; i < threads->n; i++) {
		EXPECT_GE(previous, jnum(threads->items[i], "on_cpu_ns"));
		previous = jnum(threads->items[i], "on_cpu_ns");
	}
	j_free(doc);
	result_free(&r);
}

TEST_F(pthread_prog, ult_says_it_is_not_a_tmm_process)
{
	struct result r;

	tmmstat(&r, "show", "--ult", self->w.pidstr);
	EXPECT_EQ(7, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "not a tmm process"));
	EXPECT_NE(NULL, strstr(r.err, "TMM_STATS=1")) TH_LOG("%s", r.err);
	EXPECT_STREQ("", r.out);
	result_free(&r);
}

TEST_F(pthread_prog, top_prints_the_frames_asked_for)
{
	struct result r;

	tmmstat(&r, "top", "--iterations", "3", "--interval", "0.2", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(3, count_of(r.out, "frame "));
	EXPECT_EQ(3, count_of(r.out, "sleeper"));
	EXPECT_EQ(NULL, strstr(r.out, "\033[")) TH_LOG("escape sequences in a pipe");
	result_free(&r);
}

/* Reads @fd until @needle appears or 20 s pass; 0 when it did. */
static int read_until(int fd, const char *needle)
{
	static char seen[1 << 16];
	size_t n = 0;

	for (int tries = 0; tries < 200 && n < sizeof(seen) - 1; tries++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t got;

		if (poll(&p, 1, 100) <= 0)
			continue;
		got = read(fd, seen + n, sizeof(seen) - 1 - n);
		if (got <= 0)
			break;
		n += got;
		seen[n] = '\0';
		if (strstr(seen, needle))
			return 0;
	}
	return -1;
}

/* top on a terminal: raw mode while it runs, the settings as they were after. */
static void top_on_a_terminal(struct __test_metadata *_metadata, const char *pid, int quit_by_key)
{
	struct termios before, after;
	int master, slave, status;
	pid_t top;

	ASSERT_EQ(0, openpty(&master, &slave, NULL, NULL, NULL)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, tcgetattr(slave, &before));
	ASSERT_TRUE((before.c_lflag & ECHO) && (before.c_lflag & ICANON));
	top = fork();
	if (top == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		execlp(TMMSTAT, TMMSTAT, "top", "--interval", "0.2", pid, (char *)NULL);
		_exit(98);
	}
	ASSERT_EQ(0, read_until(master, "frame 2"));
	/* Raw while it runs. */
	ASSERT_EQ(0, tcgetattr(slave, &after));
	EXPECT_EQ(0, (int)(after.c_lflag & (ECHO | ICANON)));
	if (quit_by_key) {
		EXPECT_EQ(1, write(master, "q", 1));
	} else {
		kill(top, SIGTERM);
	}
	ASSERT_EQ(top, waitpid(top, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, tcgetattr(slave, &after));
	EXPECT_EQ(before.c_lflag, after.c_lflag);
	EXPECT_EQ(before.c_cc[VMIN], after.c_cc[VMIN]);
	close(master);
	close(slave);
}

TEST_F(pthread_prog, top_on_a_terminal_quits_on_q_and_restores_it)
{
	top_on_a_terminal(_metadata, self->w.pidstr, 1);
}

TEST_F(pthread_prog, top_on_a_terminal_restores_it_on_sigterm)
{
	top_on_a_terminal(_metadata, self->w.pidstr, 0);
}

TEST_F(pthread_prog, hist_draws_and_counts_the_blocks)
{
	const struct jval *block;
	struct jval *doc, *show;
	struct result r, s;
	uint64_t in_hist = 0, blocks = 0;

	tmmstat(&r, "hist", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "block durations"));
	EXPECT_NE(NULL, strstr(r.out, "wakeup latency"));
	EXPECT_NE(NULL, strstr(r.out, "█"));
	result_free(&r);

	tmmstat(&r, "hist", "--json", self->w.pidstr);
	tmmstat(&s, "show", "--json", self->w.pidstr);
	ASSERT_EQ(0, r.status);
	doc = json_parse(r.out);
	show = json_parse(s.out);
	ASSERT_NE(NULL, doc);
	ASSERT_NE(NULL, show);
	block = jget(doc, "block");
	ASSERT_EQ(TMM_HIST_BUCKETS, (int)block->n);
	for (size_t i = 0; i < block->n; i++)
		in_hist += jnum(block->items[i], "count");
	for (size_t i = 0; i < jget(show, "threads")->n; i++)
		blocks += jnum(jget(show, "threads")->items[i], "s_blocks") +
			  jnum(jget(show, "threads")->items[i], "d_blocks");
	/* Both count the same completed blocks (more may end between the two reads). */
	EXPECT_GE(in_hist, (uint64_t)SLEEPER_NAPS + BLOCKER_NAPS);
	EXPECT_LE(in_hist, blocks);
	j_free(doc);
	j_free(show);
	result_free(&r);
	result_free(&s);
}

TEST_F(pthread_prog, hist_of_one_thread)
{
	struct result r;

	tmmstat(&r, "hist", self->w.pidstr, self->w.pidstr);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.out, "thread "));
	result_free(&r);
	tmmstat(&r, "hist", self->w.pidstr, "1");
	EXPECT_NE(0, r.status); /* init is not one of its threads */
	EXPECT_EQ(1, count_lines(r.err));
	result_free(&r);
}

/* ---- a tmm program under each model --------------------------------------- */

FIXTURE(tmm_prog)
{
	struct workload w;
};

FIXTURE_VARIANT(tmm_prog)
{
	const char *model;
	const char *kthreads;
	const char *labels[4]; /* what libtmm labels its kernel threads */
};

FIXTURE_VARIANT_ADD(tmm_prog, m1){
    .model = "m:1",
    .labels = {"tmm-worker-0"},
};

FIXTURE_VARIANT_ADD(tmm_prog, one_to_one){
    .model = "1:1",
    .labels = {"tmm-main", "tmm-thread-"},
};

FIXTURE_VARIANT_ADD(tmm_prog, mn){
    .model = "m:n",
    .kthreads = "2",
    .labels = {"tmm-worker-0", "tmm-worker-1", "tmm-monitor"},
};

FIXTURE_SETUP(tmm_prog)
{
	struct result r;

	ASSERT_EQ(0,
		  workload_start(&self->w, "workload_tmm", variant->model, variant->kthreads, "1"));
	ASSERT_EQ(0, workload_expect(&self->w, "ready"));
	tmmstat(&r, "track", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("track: %s", r.err);
	result_free(&r);
	ASSERT_EQ(0, workload_go(&self->w));
	ASSERT_EQ(0, workload_expect(&self->w, "done"));
}

FIXTURE_TEARDOWN(tmm_prog)
{
	EXPECT_EQ(0, workload_finish(&self->w));
}

static int has_label(const struct jval *threads, const char *prefix)
{
	for (size_t i = 0; i < threads->n; i++) {
		const char *label = jstr(threads->items[i], "label");

		if (label && strncmp(label, prefix, strlen(prefix)) == 0)
			return 1;
	}
	return 0;
}

TEST_F(tmm_prog, kernel_threads_carry_libtmm_labels)
{
	const struct jval *threads;
	struct jval *doc;
	struct result r;

	tmmstat(&r, "show", "--json", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = json_parse(r.out);
	ASSERT_NE(NULL, doc);
	threads = jget(doc, "threads");
	for (int i = 0; i < 4 && variant->labels[i]; i++) {
		const char *want = variant->labels[i];

		EXPECT_TRUE(has_label(threads, want)) TH_LOG("no label %s", want);
	}
	/* The kernel thread that called tmm_init keeps its pid as tid. */
	for (size_t i = 0; i < threads->n; i++) {
		if (jnum(threads->items[i], "tid") == (uint64_t)self->w.pid) {
			EXPECT_NE(NULL, jstr(threads->items[i], "label"));
		}
	}
	j_free(doc);
	result_free(&r);
}

TEST_F(tmm_prog, a_kernel_thread_blocked_in_nanosleep)
{
	struct jval *doc;
	struct result r;
	uint64_t most = 0, workers = 0;

	tmmstat(&r, "show", "--json", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = json_parse(r.out);
	ASSERT_NE(NULL, doc);
	for (size_t i = 0; i < jget(doc, "threads")->n; i++) {
		const struct jval *thread = jget(doc, "threads")->items[i];
		const char *label = jstr(thread, "label");
		uint64_t ns = nanosleep_ns(thread);

		most = ns > most ? ns : most;
		if (!label || strcmp(label, "tmm-monitor"))
			workers += ns;
	}
	/*
	 * The blocker's raw nanosleep blocks whichever kernel thread runs it:
	 * always the same one under M:1 and 1:1.  Under M:N the monitor may hand
	 * that worker's processor to another kernel thread during a nap (work
	 * waits behind it), and the blocker's next nap then blocks that one, so
	 * the naps add up over the workers (the monitor's own sleeps left out).
	 * An M:N worker also waits on futexes, and a futex wake-up the kernel
	 * delivers late (its wake_q) can wake it in the middle of a nap:
	 * nanosleep goes back to sleep, but the time it first waited for a CPU
	 * is run-queue delay, not block time (once 2.2 ms of 120 under a
	 * loaded VM).  So 90 % of the naps must be there.
	 */
	if (strcmp(variant->model, "m:n")) {
		EXPECT_GE(most, BLOCKER_NAPS * BLOCKER_NAP_NS);
	} else {
		EXPECT_GE(workers, BLOCKER_NAPS * BLOCKER_NAP_NS / 10 * 9) TH_LOG("%s", r.out);
	}
	j_free(doc);
	result_free(&r);
}

static const struct jval *find_ult(const struct jval *doc, const char *name, int32_t *ktid)
{
	const struct jval *threads = jget(doc, "threads"),
			  *unplaced = jget(doc, "unplaced_tmm_threads");

	for (size_t i = 0; threads && i < threads->n; i++) {
		const struct jval *ults = jget(threads->items[i], "tmm_threads");

		for (size_t u = 0; ults && u < ults->n; u++)
			if (jstr(ults->items[u], "name") &&
			    !strcmp(jstr(ults->items[u], "name"), name)) {
				*ktid = (int32_t)jnum(threads->items[i], "tid");
				return ults->items[u];
			}
	}
	for (size_t u = 0; unplaced && u < unplaced->n; u++)
		if (jstr(unplaced->items[u], "name") &&
		    !strcmp(jstr(unplaced->items[u], "name"), name)) {
			*ktid = 0;
			return unplaced->items[u];
		}
	return NULL;
}

TEST_F(tmm_prog, ult_puts_tmm_threads_under_their_kernel_thread)
{
	static const char *const names[] = {"main", "sleeper", "blocker", "spinner"};
	struct jval *doc;
	struct result r;

	tmmstat(&r, "show", "--ult", "--json", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = json_parse(r.out);
	ASSERT_NE(NULL, doc) TH_LOG("not JSON: %s", r.out);
	EXPECT_STREQ(variant->model, jstr(doc, "model"));
	EXPECT_EQ(4, (int)jnum(doc, "tmm_threads"));
	for (int i = 0; i < 4; i++) {
		int32_t ktid = -1;
		const struct jval *u = find_ult(doc, names[i], &ktid);

		ASSERT_NE(NULL, u) TH_LOG("no tmm thread %s", names[i]);
		/* Listed under the kernel thread it last ran on. */
		EXPECT_EQ((uint64_t)(int64_t)ktid, jnum(u, "ktid")) TH_LOG("%s", names[i]);
		EXPECT_LT(0, (int)ktid) TH_LOG("%s never ran", names[i]);
		EXPECT_GE(jnum(u, "switches"), 1ull);
	}
	j_free(doc);
	result_free(&r);

	tmmstat(&r, "show", "--ult", self->w.pidstr);
	ASSERT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "tmm model"));
	EXPECT_NE(NULL, strstr(r.out, "sleeper"));
	EXPECT_EQ(4, count_of(r.out, " tmm #"));
	result_free(&r);
}

TEST_F(tmm_prog, top_with_ult)
{
	struct result r;

	tmmstat(&r, "top", "--iterations", "2", "--interval", "0.2", "--ult", self->w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(2, count_of(r.out, "frame "));
	EXPECT_EQ(2, count_of(r.out, "tmm model"));
	result_free(&r);
}

/* ---- a tmm program started without TMM_STATS=1 ---------------------------- */

TEST(without_tmm_stats_a_tmm_program_publishes_nothing)
{
	struct workload w;
	struct jval *doc;
	struct result r;

	unsetenv("TMM_STATS");
	ASSERT_EQ(0, workload_start(&w, "workload_tmm", "m:n", "2", NULL));
	ASSERT_EQ(0, workload_expect(&w, "ready"));
	ASSERT_EQ(0, workload_go(&w));
	ASSERT_EQ(0, workload_expect(&w, "done"));

	tmmstat(&r, "track", w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("track: %s", r.err);
	result_free(&r);

	/* No snapshot, and the error says how to get one. */
	tmmstat(&r, "show", "--ult", w.pidstr);
	EXPECT_EQ(7, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "not a tmm process"));
	EXPECT_NE(NULL, strstr(r.err, "TMM_STATS=1")) TH_LOG("%s", r.err);
	result_free(&r);

	/* The kernel view works as ever, without libtmm's labels. */
	tmmstat(&r, "show", "--json", w.pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	doc = json_parse(r.out);
	ASSERT_NE(NULL, doc) TH_LOG("not JSON: %s", r.out);
	/* m:n with 2 workers: main (worker 0), worker 1 and the monitor at least. */
	EXPECT_LE(3, (int)jget(doc, "threads")->n);
	EXPECT_FALSE(has_label(jget(doc, "threads"), "tmm-")) TH_LOG("%s", r.out);
	j_free(doc);
	result_free(&r);
	EXPECT_EQ(0, workload_finish(&w));
}

TEST_HARNESS_MAIN
