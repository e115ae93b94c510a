/*
 * cmd_top.c — tmmstat top PID: show, refreshed, with per-interval figures.
 *
 * Each frame is the difference between two dumps, so every column covers
 * the last interval only (the longest-block columns stay cumulative: a
 * maximum has no difference).  On a terminal it redraws in place and reads
 * q; otherwise (a pipe, a test) it prints successive frames.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "terminal.h"

static void top_usage(FILE *out)
{
	fprintf(out,
		"usage: tmmstat top [--interval SECONDS] [--iterations N] [--sort KEY] [--ult] "
		"PID\n"
		"\n"
		"The show table refreshed every interval (default 1 s), each figure counting\n"
		"only that interval.  q or Ctrl-C quits and leaves the terminal as it was.\n"
		"When stdout is not a terminal, frames are printed one after the other.\n"
		"\n"
		"  --interval S    seconds between frames (0.1 to 3600, default 1)\n"
		"  --iterations N  stop after N frames (default: until q or a signal)\n"
		"  --sort KEY      " SORT_KEYS " (default tid)\n"
		"  --ult           the tmm threads under each kernel thread, as show --ult\n");
}

static const struct thread_stats *find_tid(const struct thread_list *l, uint32_t tid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].tid == tid)
			return &l->v[i];
	return NULL;
}

static uint64_t minus(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : now; /* reset in between: count from zero */
}

/* @now becomes the figures of the interval since @before. */
static void subtract(struct thread_stats *now, const struct thread_stats *before)
{
	now->on_cpu_ns = minus(now->on_cpu_ns, before->on_cpu_ns);
	now->runq_delay_ns = minus(now->runq_delay_ns, before->runq_delay_ns);
	now->runq_waits = minus(now->runq_waits, before->runq_waits);
	now->sched_in = minus(now->sched_in, before->sched_in);
	now->vol_switches = minus(now->vol_switches, before->vol_switches);
	now->invol_switches = minus(now->invol_switches, before->invol_switches);
	now->migrations = minus(now->migrations, before->migrations);
	now->s_blocks = minus(now->s_blocks, before->s_blocks);
	now->s_block_ns = minus(now->s_block_ns, before->s_block_ns);
	now->d_blocks = minus(now->d_blocks, before->d_blocks);
	now->d_block_ns = minus(now->d_block_ns, before->d_block_ns);
	for (int i = 0; i < TMM_HIST_BUCKETS; i++) {
		now->block_hist[i] = minus(now->block_hist[i], before->block_hist[i]);
		now->wakeup_hist[i] = minus(now->wakeup_hist[i], before->wakeup_hist[i]);
	}
}

struct top {
	pid_t pid;
	struct view_options view;
	double interval;
	long iterations;
	int tty;
	struct tmm_nl nl;
	struct thread_list before;
};

static int draw_frame(struct top *t, long frame, const struct thread_list *now)
{
	struct thread_list delta = {0};
	struct snapshot snap = {0};
	char title[160];
	struct report r = {.pid = t->pid, .threads = &delta, .title = title};
	int rc = 0;

	for (size_t i = 0; i < now->n; i++) {
		struct thread_stats d = now->v[i];
		const struct thread_stats *b = find_tid(&t->before, d.tid);

		if (b)
			subtract(&d, b);
		if (thread_list_add(&delta, &d))
			return thread_list_free(&delta), EXIT_FAILURE_OTHER;
	}
	sort_threads(&delta, t->view.sort);
	if (t->view.ult && (rc = fetch_ult(t->pid, &snap)) == 0)
		r.ult = &snap;
	snprintf(title, sizeof(title),
		 "tmmstat top %d  frame %ld  interval %.2f s  (figures per interval%s)",
		 (int)t->pid, frame, t->interval, t->tty ? "; q quits" : "");
	if (!rc) {
		if (t->tty)
			fputs("\033[H\033[J", stdout);
		else if (frame > 1)
			fputc('\n', stdout);
		report_table(stdout, &r);
		fflush(stdout);
	}
	snapshot_free(&snap);
	thread_list_free(&delta);
	return rc;
}

static int top_loop(struct top *t)
{
	int rc = fetch_threads(&t->nl, t->pid, SORT_TID, &t->before);

	if (!rc && t->tty) {
		/* The first frame needs a whole interval: say what is going on meanwhile. */
		printf("\033[H\033[Jtmmstat top %d: measuring the first %.2f s (q quits)\n",
		       (int)t->pid, t->interval);
		fflush(stdout);
	}
	for (long frame = 1; !rc && (t->iterations == 0 || frame <= t->iterations); frame++) {
		struct thread_list now = {0};
		int key = terminal_wait_key((int)(t->interval * 1000));

		if (key == 'q' || key == 'Q' || key < 0)
			break;
		rc = fetch_threads(&t->nl, t->pid, SORT_TID, &now);
		if (!rc)
			rc = draw_frame(t, frame, &now);
		thread_list_free(&t->before);
		t->before = now;
	}
	return rc;
}

static int parse_top_args(int argc, char **argv, struct top *t)
{
	static const struct option options[] = {
	    {"interval", required_argument, NULL, 'i'},
	    {"iterations", required_argument, NULL, 'n'},
	    {"sort", required_argument, NULL, 's'},
	    {"ult", no_argument, NULL, 'u'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+hi:n:s:u", options, NULL)) != -1) {
		if (opt == 'h')
			return top_usage(stdout), -1;
		if (opt == 'i') {
			t->interval = strtod(optarg, &end);
			if (*end || end == optarg || !(t->interval >= 0.1 && t->interval <= 3600))
				return usage_error(
				    "top", "bad interval '%s' (seconds, 0.1 to 3600)", optarg);
		} else if (opt == 'n') {
			t->iterations = strtol(optarg, &end, 10);
			if (*end || end == optarg || t->iterations <= 0)
				return usage_error("top", "bad iteration count '%s'", optarg);
		} else if (opt == 'j') {
			return usage_error("top", "--json is for show");
		} else if ((rc = parse_common_option(opt, "top", &t->view, argv))) {
			return rc;
		}
	}
	if (argc - optind != 1)
		return usage_error("top", argc == optind ? "missing PID" : "too many arguments");
	return parse_pid("top", argv[optind], &t->pid);
}

int cmd_top(int argc, char **argv)
{
	struct top t = {.interval = 1.0};
	int rc = parse_top_args(argc, argv, &t);

	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = tmm_nl_open(&t.nl)))
		return rc;
	terminal_catch_signals();
	t.tty = isatty(STDOUT_FILENO) && terminal_raw();
	rc = top_loop(&t);
	terminal_restore();
	thread_list_free(&t.before);
	tmm_nl_close(&t.nl);
	return rc;
}
