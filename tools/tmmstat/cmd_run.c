/*
 * cmd_run.c — tmmstat run [options] -- PROG ARGS...: run PROG tracked from
 * its first instruction and, when it ends, report every thread it ever had.
 *
 * The order matters: the parent joins the "events" group before forking, so
 * no exit can be missed; the child asks tmm.ko to track itself (and its
 * children) before exec, so PROG's first instruction is already measured.
 * Threads that exited are known from their THREAD_EXIT events, which carry
 * their final figures; by the time PROG's parent learns that it ended,
 * every one of its exits has been sent (the kernel reports a thread's exit
 * before it notifies the parent).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: tmmstat run [--model m:1|1:1|m:n] [--kthreads N] [--json] [--sort KEY]\n"
		"                    [-o FILE] -- PROG [ARG...]\n"
		"\n"
		"Runs PROG tracked by tmm.ko from its first instruction (children too) and,\n"
		"when it ends, prints the show report for every thread it ever had, those\n"
		"that exited included, like time(1) and perf stat: on stderr, or in FILE.\n"
		"Exits with PROG's status (128 + the signal number if a signal killed it;\n"
		"127 if PROG could not be started).  PROG gets TMM_STATS=1 unless TMM_STATS\n"
		"is set: libtmm then labels its kernel threads in the report and publishes\n"
		"its snapshot for show --ult.\n"
		"\n"
		"  --model M     export TMM_MODEL=M to PROG (libtmm's thread mapping model)\n"
		"  --kthreads N  export TMM_KTHREADS=N (M:N kernel threads)\n"
		"  --json        the report as one JSON document\n"
		"  --sort KEY    " SORT_KEYS " (default tid)\n"
		"  -o FILE       write the report to FILE instead of stderr\n");
}

struct run {
	struct view_options view;
	const char *model, *kthreads, *output;
	char **argv;
	pid_t child;
	struct thread_list exited;
	uint64_t threads_seen;
	int lost, process_exit_seen;
	struct sigaction saved_int, saved_quit; /* PROG gets them back */
};

static void ignore(int sig, struct sigaction *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, saved);
}

static int parse_run_args(int argc, char **argv, struct run *r)
{
	static const struct option options[] = {
	    {"model", required_argument, NULL, 'm'},
	    {"kthreads", required_argument, NULL, 'k'},
	    {"json", no_argument, NULL, 'j'},
	    {"sort", required_argument, NULL, 's'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+hm:k:js:o:", options, NULL)) != -1) {
		if (opt == 'h')
			return run_usage(stdout), -1;
		if (opt == 'm') {
			if (strcmp(optarg, "m:1") && strcmp(optarg, "1:1") && strcmp(optarg, "m:n"))
				return usage_error("run", "unknown model '%s' (m:1, 1:1 or m:n)",
						   optarg);
			r->model = optarg;
		} else if (opt == 'k') {
			long n = strtol(optarg, &end, 10);

			if (*end || end == optarg || n <= 0 || n > 4096)
				return usage_error("run", "bad kernel thread count '%s'", optarg);
			r->kthreads = optarg;
		} else if (opt == 'o') {
			r->output = optarg;
		} else if ((rc = parse_common_option(opt, "run", &r->view, argv))) {
			return rc;
		}
	}
	if (r->view.ult)
		return usage_error("run",
				   "--ult is for show and top (the snapshot ends with PROG)");
	if (optind >= argc)
		return usage_error("run", "missing PROG (tmmstat run [options] -- PROG [ARG...])");
	r->argv = argv + optind;
	return 0;
}

/* In the child: track ourselves, then become PROG; failures go up @err_fd. */
static void child(struct run *r, int err_fd)
{
	/* {stage, value}: 1 track (errno), 2 exec (errno), 3 open (exit code, message printed) */
	int failure[2] = {0, 0};
	struct tmm_nl nl;

	sigaction(SIGINT, &r->saved_int, NULL);
	sigaction(SIGQUIT, &r->saved_quit, NULL);
	if (r->model)
		setenv("TMM_MODEL", r->model, 1);
	if (r->kthreads)
		setenv("TMM_KTHREADS", r->kthreads, 1);
	/* libtmm labels its kernel threads only then; a user's own choice stands. */
	setenv("TMM_STATS", "1", 0);
	if ((failure[1] = tmm_nl_open(&nl))) {
		failure[0] = 3;
	} else {
		failure[1] = tmm_nl_track(&nl, getpid(), TMM_TRACK_CHILDREN);
		failure[0] = failure[1] ? 1 : 0;
		tmm_nl_close(&nl);
	}
	if (!failure[0]) {
		execvp(r->argv[0], r->argv);
		failure[0] = 2;
		failure[1] = errno;
	}
	/* Nothing more to do if even this fails: the parent then sees PROG "exit" 127. */
	(void)!write(err_fd, failure, sizeof(failure));
	_exit(127);
}

static void on_event(const struct tmm_event *ev, void *arg)
{
	struct run *r = arg;

	if (ev->cmd == TMM_CMD_THREAD_EXIT && ev->thread.tgid == (uint32_t)r->child) {
		if (thread_list_add(&r->exited, &ev->thread))
			r->lost = 1;
	} else if (ev->cmd == TMM_CMD_PROCESS_EXIT && ev->process.tgid == (uint32_t)r->child) {
		r->threads_seen = ev->process.threads_seen;
		r->process_exit_seen = 1;
	}
}

static void drain_events(struct tmm_nl *nl, struct run *r)
{
	int err;

	while ((err = tmm_nl_events(nl, on_event, r)) != EAGAIN)
		if (err == ENOBUFS)
			r->lost = 1;
		else if (err)
			break;
}

/* Collects events until the child ends; returns its wait status. */
static int wait_for_child(struct tmm_nl *nl, struct run *r)
{
	int fd = nl_socket_get_fd(nl->sock), status = 0;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		pid_t done;

		poll(&p, 1, 100);
		drain_events(nl, r);
		done = waitpid(r->child, &status, WNOHANG);
		if (done == r->child || (done < 0 && errno != EINTR))
			break;
	}
	drain_events(nl, r);
	return status;
}

/* What the child said before exec, if it failed; 0 when PROG started. */
static int child_failure(int fd, struct run *r)
{
	int failure[2];
	ssize_t n;

	while ((n = read(fd, failure, sizeof(failure))) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(failure))
		return 0;
	waitpid(r->child, NULL, 0);
	if (failure[0] == 3)
		return failure[1];
	if (failure[0] == 1) {
		char what[48];

		snprintf(what, sizeof(what), "process %d", (int)r->child);
		return tmm_nl_fail(failure[1], r->child, what);
	}
	errorf("cannot run %s: %s", r->argv[0], strerror(failure[1]));
	return failure[1] == ENOENT ? 127 : 126;
}

static void print_report(struct run *r, int status, double seconds)
{
	FILE *out = stderr;
	char title[256];
	struct report rep = {.pid = r->child, .threads = &r->exited, .title = title};

	if (r->output && !(out = fopen(r->output, "w"))) {
		errorf("cannot write the report to %s: %s; printing it here", r->output,
		       strerror(errno));
		out = stderr;
	}
	if (WIFSIGNALED(status))
		snprintf(title, sizeof(title),
			 "tmmstat run: %s (pid %d) killed by signal %d after %.3f s, %zu threads",
			 r->argv[0], (int)r->child, WTERMSIG(status), seconds, r->exited.n);
	else
		snprintf(title, sizeof(title),
			 "tmmstat run: %s (pid %d) exited with status %d after %.3f s, %zu threads",
			 r->argv[0], (int)r->child, WEXITSTATUS(status), seconds, r->exited.n);
	sort_threads(&r->exited, r->view.sort);
	if (r->view.json)
		report_json(out, &rep);
	else
		report_table(out, &rep);
	if (r->lost || (r->process_exit_seen && r->threads_seen > r->exited.n))
		errorf("the exits of some threads were lost (%zu reported, %llu seen by tmm.ko)",
		       r->exited.n, (unsigned long long)r->threads_seen);
	if (out != stderr)
		fclose(out);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_tracked(struct tmm_nl *nl, struct run *r)
{
	int pipefd[2], status, rc;
	double start = now_s();

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return errorf("pipe: %s", strerror(errno)), EXIT_FAILURE_OTHER;
	/* Like time(1): Ctrl-C is for PROG; we stay to print the report. */
	ignore(SIGINT, &r->saved_int);
	ignore(SIGQUIT, &r->saved_quit);
	r->child = fork();
	if (r->child < 0)
		return errorf("fork: %s", strerror(errno)), EXIT_FAILURE_OTHER;
	if (r->child == 0) {
		close(pipefd[0]);
		child(r, pipefd[1]);
	}
	close(pipefd[1]);
	rc = child_failure(pipefd[0], r);
	close(pipefd[0]);
	if (rc)
		return rc;
	nl_socket_set_nonblocking(nl->sock);
	status = wait_for_child(nl, r);
	print_report(r, status, now_s() - start);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int cmd_run(int argc, char **argv)
{
	struct run r = {0};
	struct tmm_nl nl;
	int rc = parse_run_args(argc, argv, &r);

	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = tmm_nl_open(&nl)))
		return rc;
	if (tmm_nl_subscribe(&nl)) {
		tmm_nl_close(&nl);
		errorf("tmm.ko has no \"%s\" multicast group: update the module to match this "
		       "tmmstat",
		       TMM_GENL_MCGRP_EVENTS);
		return EXIT_PROTOCOL;
	}
	fflush(NULL);
	rc = run_tracked(&nl, &r);
	thread_list_free(&r.exited);
	tmm_nl_close(&nl);
	return rc;
}
