/* cmd_show.c — tmmstat show PID: one row per kernel thread, once. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "report.h"

static void show_usage(FILE *out)
{
	fprintf(out, "usage: tmmstat show [--sort KEY] [--json] [--ult] PID\n"
		     "\n"
		     "One row per tracked kernel thread of process PID: tid, comm, label, state,\n"
		     "CPU, time on CPU, run-queue delay, voluntary and involuntary switches,\n"
		     "S (interruptible) and D (uninterruptible) blocks with their total and\n"
		     "longest time, and the system call it blocks in most.\n"
		     "\n"
		     "  --sort KEY  " SORT_KEYS " (default tid)\n"
		     "  --json      one JSON document instead of the table\n"
		     "  --ult       under each kernel thread, the tmm threads it runs (ulib's\n"
		     "              snapshot; the process must use libtmm)\n");
}

int parse_common_option(int opt, const char *cmd, struct view_options *v, char **argv)
{
	switch (opt) {
	case 's':
		if (parse_sort_key(optarg, &v->sort))
			return usage_error(cmd, "unknown sort key '%s' (one of: %s)", optarg,
					   SORT_KEYS);
		return 0;
	case 'j':
		v->json = 1;
		return 0;
	case 'u':
		v->ult = 1;
		return 0;
	default:
		return usage_error(cmd, "bad option '%s' (unknown, or its value is missing)",
				   argv[optind - 1]);
	}
}

int cmd_show(int argc, char **argv)
{
	static const struct option options[] = {
	    {"sort", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"ult", no_argument, NULL, 'u'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct view_options v = {0};
	pid_t pid;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+hs:ju", options, NULL)) != -1) {
		if (opt == 'h')
			return show_usage(stdout), 0;
		if ((rc = parse_common_option(opt, "show", &v, argv)))
			return rc;
	}
	if (argc - optind != 1)
		return usage_error("show", argc == optind ? "missing PID" : "too many arguments");
	if ((rc = parse_pid("show", argv[optind], &pid)))
		return rc;
	return show_once(pid, &v, stdout);
}
