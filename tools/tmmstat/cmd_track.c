/* cmd_track.c — tmmstat track PID, tmmstat untrack PID. */
#include <getopt.h>
#include <string.h>

#include "nl.h"

static int track_usage(FILE *out, const char *cmd)
{
	if (strcmp(cmd, "track") == 0)
		fprintf(out, "usage: tmmstat track [--children] PID\n"
			     "\n"
			     "Asks tmm.ko to start measuring every thread of process PID (threads\n"
			     "that start later included).  Figures count from this moment.\n"
			     "\n"
			     "  --children  also track the processes it forks from now on\n");
	else
		fprintf(out, "usage: tmmstat untrack PID\n"
			     "\n"
			     "Asks tmm.ko to stop measuring process PID and forget its figures.\n");
	return 0;
}

static int track_or_untrack(int argc, char **argv, int track)
{
	static const struct option options[] = {{"children", no_argument, NULL, 'c'},
						{"help", no_argument, NULL, 'h'},
						{NULL, 0, NULL, 0}};
	const char *cmd = track ? "track" : "untrack";
	uint32_t flags = 0;
	struct tmm_nl nl;
	char what[48];
	int opt, rc, err;
	pid_t pid;

	while ((opt = getopt_long(argc, argv, "+hc", options, NULL)) != -1) {
		if (opt == 'h')
			return track_usage(stdout, cmd);
		if (opt != 'c' || !track)
			return usage_error(cmd,
					   "bad option '%s' (unknown, or its value is missing)",
					   argv[optind - 1]);
		flags |= TMM_TRACK_CHILDREN;
	}
	if (argc - optind != 1)
		return usage_error(cmd, argc == optind ? "missing PID" : "too many arguments");
	if ((rc = parse_pid(cmd, argv[optind], &pid)))
		return rc;
	if ((rc = tmm_nl_open(&nl)))
		return rc;
	err = track ? tmm_nl_track(&nl, pid, flags) : tmm_nl_untrack(&nl, pid);
	tmm_nl_close(&nl);
	snprintf(what, sizeof(what), "process %d", (int)pid);
	return err ? tmm_nl_fail(err, pid, what) : 0;
}

int cmd_track(int argc, char **argv)
{
	return track_or_untrack(argc, argv, 1);
}

int cmd_untrack(int argc, char **argv)
{
	return track_or_untrack(argc, argv, 0);
}
