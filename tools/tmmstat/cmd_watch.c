/* cmd_watch.c — tmmstat watch [PID]: one line per exit event, as they come. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "events.h"
#include "terminal.h"

static void watch_usage(FILE *out)
{
	fprintf(out, "usage: tmmstat watch [--json] [--count N] [PID]\n"
		     "\n"
		     "One line for each tracked thread that exits (with its final figures) and\n"
		     "each tracked process whose last thread exits, from tmm.ko's \"events\"\n"
		     "multicast group; only those of process PID when given.  Until Ctrl-C.\n"
		     "\n"
		     "  --json     one JSON object per line\n"
		     "  --count N  stop after N events\n");
}

struct watch {
	pid_t pid;
	int json;
	long count, seen;
};

static void on_event(const struct tmm_event *ev, void *arg)
{
	struct watch *w = arg;
	uint32_t tgid = ev->cmd == TMM_CMD_THREAD_EXIT ? ev->thread.tgid : ev->process.tgid;

	if (w->pid && tgid != (uint32_t)w->pid)
		return;
	if (w->count && w->seen >= w->count)
		return;
	w->seen++;
	print_event(stdout, ev, w->json);
}

static int watch_loop(struct tmm_nl *nl, struct watch *w)
{
	int fd = nl_socket_get_fd(nl->sock);

	nl_socket_set_nonblocking(nl->sock);
	while (!terminal_stop_requested() && (!w->count || w->seen < w->count)) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int err;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		err = tmm_nl_events(nl, on_event, w);
		if (err == ENOBUFS)
			errorf("events were lost (the socket buffer overflowed)");
		else if (err && err != EAGAIN)
			return tmm_nl_fail(err, w->pid, "the event stream");
	}
	return 0;
}

static int parse_watch_args(int argc, char **argv, struct watch *w)
{
	static const struct option options[] = {{"json", no_argument, NULL, 'j'},
						{"count", required_argument, NULL, 'n'},
						{"help", no_argument, NULL, 'h'},
						{NULL, 0, NULL, 0}};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "+hjn:", options, NULL)) != -1) {
		if (opt == 'h')
			return watch_usage(stdout), -1;
		if (opt == 'j') {
			w->json = 1;
		} else if (opt == 'n') {
			w->count = strtol(optarg, &end, 10);
			if (*end || end == optarg || w->count <= 0)
				return usage_error("watch", "bad count '%s'", optarg);
		} else {
			return usage_error("watch",
					   "bad option '%s' (unknown, or its value is missing)",
					   argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return usage_error("watch", "too many arguments");
	return argc - optind == 1 ? parse_pid("watch", argv[optind], &w->pid) : 0;
}

int cmd_watch(int argc, char **argv)
{
	struct watch w = {0};
	struct tmm_nl nl;
	char path[32];
	struct stat st;
	int rc = parse_watch_args(argc, argv, &w), err;

	if (rc)
		return rc < 0 ? 0 : rc;
	snprintf(path, sizeof(path), "/proc/%d", (int)w.pid);
	if (w.pid && stat(path, &st) < 0) {
		errorf("no such process: %d (check the id with ps)", (int)w.pid);
		return EXIT_NO_PROCESS;
	}
	if ((rc = tmm_nl_open(&nl)))
		return rc;
	if ((err = tmm_nl_subscribe(&nl))) {
		tmm_nl_close(&nl);
		errorf("tmm.ko has no \"%s\" multicast group: update the module to match this "
		       "tmmstat",
		       TMM_GENL_MCGRP_EVENTS);
		return EXIT_PROTOCOL;
	}
	terminal_catch_signals();
	rc = watch_loop(&nl, &w);
	tmm_nl_close(&nl);
	return rc;
}
