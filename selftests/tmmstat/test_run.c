// tmmstat run and watch in the VM: every thread a program ever had is
// reported when it ends, exited ones included, and its status is passed on.
#include <stdint.h>

#include "helpers.h"
#include "json_check.h"
#include "kselftest_harness.h"
#include "workload.h"

static struct jval *report_in(const char *path)
{
	struct stat st;
	struct jval *doc;
	char *text;
	FILE *f = fopen(path, "r");

	if (!f || fstat(fileno(f), &st) || !(text = calloc(1, st.st_size + 1))) {
		if (f)
			fclose(f);
		return NULL;
	}
	if (fread(text, 1, st.st_size, f) != (size_t)st.st_size)
		text[0] = '\0';
	fclose(f);
	doc = json_parse(text);
	free(text);
	return doc;
}

static int count_comm(const struct jval *threads, const char *comm)
{
	int n = 0;

	for (size_t i = 0; threads && i < threads->n; i++)
		n += jstr(threads->items[i], "comm") &&
		     !strcmp(jstr(threads->items[i], "comm"), comm);
	return n;
}

/* Threads whose label starts with "tmm-": libtmm's names for its kernel threads. */
static int count_tmm_labels(const struct jval *threads)
{
	int n = 0;

	for (size_t i = 0; threads && i < threads->n; i++)
		n += jstr(threads->items[i], "label") &&
		     !strncmp(jstr(threads->items[i], "label"), "tmm-", 4);
	return n;
}

TEST(run_reports_every_exited_thread_and_passes_the_status_on)
{
	const char *path = "/tmp/tmmstat-run.json";
	const struct jval *threads;
	struct jval *doc;
	struct result r;

	unlink(path);
	tmmstat(&r, "run", "--json", "-o", path, "--", "workload_pthread", "--exit", "3");
	EXPECT_EQ(3, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(0, count_of(r.out, "TID")); /* the report is not mixed with PROG's output */
	doc = report_in(path);
	ASSERT_NE(NULL, doc) TH_LOG("no JSON report in %s", path);
	threads = jget(doc, "threads");
	ASSERT_NE(NULL, threads);
	EXPECT_EQ(4, (int)threads->n);
	EXPECT_EQ(1, count_comm(threads, "sleeper"));
	EXPECT_EQ(1, count_comm(threads, "blocker"));
	EXPECT_EQ(1, count_comm(threads, "spinner"));
	for (size_t i = 0; i < threads->n; i++) {
		const struct jval *t = threads->items[i];

		EXPECT_STREQ("dead", jstr(t, "state"));
		EXPECT_EQ(jnum(doc, "pid"), jnum(t, "tgid"));
		if (!strcmp(jstr(t, "comm"), "sleeper")) {
			EXPECT_GE(jnum(t, "s_block_ns"), SLEEPER_NAPS * SLEEPER_NAP_NS);
		}
	}
	j_free(doc);
	result_free(&r);
}

TEST(run_text_report_goes_to_stderr)
{
	struct result r;

	tmmstat(&r, "run", "--", "workload_pthread");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.err, "exited with status 0"));
	EXPECT_NE(NULL, strstr(r.err, "4 threads"));
	EXPECT_NE(NULL, strstr(r.err, "sleeper"));
	EXPECT_NE(NULL, strstr(r.out, "done")); /* PROG's own output untouched */
	result_free(&r);
}

struct model_case {
	const char *model;
	int min_threads; /* kernel threads the run must have had */
};

TEST(run_a_tmm_program_under_each_model)
{
	static const struct model_case cases[] = {{"m:1", 1}, {"1:1", 4}, {"m:n", 3}};
	const char *path = "/tmp/tmmstat-run-tmm.json";

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct jval *doc;
		struct result r;

		unlink(path);
		tmmstat(&r, "run", "--model", (char *)cases[c].model, "--kthreads", "2", "--json",
			"-o", path, "--", "workload_tmm");
		EXPECT_EQ(0, r.status) TH_LOG("%s: %s", cases[c].model, r.err);
		doc = report_in(path);
		ASSERT_NE(NULL, doc);
		/* 1:1: main and a kernel thread per tmm thread, all exited by now. */
		EXPECT_LE(cases[c].min_threads, (int)jget(doc, "threads")->n)
		TH_LOG("%s", cases[c].model);
		/* run turned TMM_STATS on, so libtmm labelled its kernel threads. */
		EXPECT_LE(1, count_tmm_labels(jget(doc, "threads"))) TH_LOG("%s", cases[c].model);
		j_free(doc);
		result_free(&r);
	}
}

TEST(run_exports_tmm_stats_1_unless_it_is_set)
{
	struct result r;

	unsetenv("TMM_STATS");
	tmmstat(&r, "run", "--", "sh", "-c", "echo \"TMM_STATS=${TMM_STATS-unset}\"");
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("TMM_STATS=1\n", r.out);
	result_free(&r);
	/* The user's own choice stands, even 0. */
	setenv("TMM_STATS", "0", 1);
	tmmstat(&r, "run", "--", "sh", "-c", "echo \"TMM_STATS=${TMM_STATS-unset}\"");
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ("TMM_STATS=0\n", r.out);
	result_free(&r);
	unsetenv("TMM_STATS");
}

TEST(run_hands_prog_no_extra_descriptors)
{
	char *argv[] = {"ls", "/proc/self/fd", NULL};
	struct background bg;
	struct result plain, r;

	/* What ls sees when started directly, then under tmmstat run. */
	ASSERT_EQ(0, start_bg(&bg, argv, 0));
	finish_bg(&bg, &plain);
	ASSERT_EQ(0, plain.status);
	tmmstat(&r, "run", "--", "ls", "/proc/self/fd");
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	EXPECT_STREQ(plain.out, r.out);
	result_free(&plain);
	result_free(&r);
}

TEST(run_exit_status_of_a_killed_program)
{
	struct result r;

	tmmstat(&r, "run", "--", "sh", "-c", "kill -TERM $$");
	EXPECT_EQ(128 + SIGTERM, r.status);
	EXPECT_NE(NULL, strstr(r.err, "killed by signal 15"));
	result_free(&r);
}

TEST(run_a_missing_program)
{
	struct result r;

	tmmstat(&r, "run", "--", "/no/such/program");
	EXPECT_EQ(127, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	result_free(&r);
}

TEST(watch_prints_each_exit)
{
	char *argv[] = {TMMSTAT, "watch", "--json", "--count", "5", NULL, NULL};
	struct background bg;
	struct workload w;
	struct result r;
	int exits = 0;
	char *line;

	ASSERT_EQ(0, workload_start(&w, "workload_pthread", NULL, NULL, NULL));
	ASSERT_EQ(0, workload_expect(&w, "ready"));
	tmmstat(&r, "track", w.pidstr);
	ASSERT_EQ(0, r.status);
	result_free(&r);
	argv[5] = w.pidstr;
	ASSERT_EQ(0, start_bg(&bg, argv, 0));
	usleep(500 * 1000); /* let it join the group */
	ASSERT_EQ(0, workload_go(&w));
	ASSERT_EQ(0, workload_expect(&w, "done"));
	EXPECT_EQ(0, workload_finish(&w));
	finish_bg(&bg, &r);
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	/* Four thread exits and the process's, one JSON object a line. */
	for (line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		struct jval *ev = json_parse(line);

		ASSERT_NE(NULL, ev) TH_LOG("not JSON: %s", line);
		EXPECT_EQ((uint64_t)w.pid, jnum(ev, "tgid"));
		exits += jstr(ev, "event") && !strcmp(jstr(ev, "event"), "thread-exit");
		j_free(ev);
	}
	EXPECT_EQ(4, exits);
	result_free(&r);
}

TEST_HARNESS_MAIN
