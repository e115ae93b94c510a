/*
 * tmmstat — the kernel's view (tmm.ko, over generic netlink) beside ulib's
 * view of which user threads run on which kernel thread.
 *
 * main.c only dispatches; each command lives in cmd_<name>.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tmmstat.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"show", cmd_show, "one row per kernel thread of PID (--ult: with its tmm threads)"},
    {"top", cmd_top, "show, refreshed every second with per-interval figures"},
    {"hist", cmd_hist, "block-duration and wakeup-latency histograms as bars"},
    {"watch", cmd_watch, "one line per thread or process exit, as they happen"},
    {"run", cmd_run, "run a program tracked, report all its threads when it ends"},
    {"track", cmd_track, "start tracking a process"},
    {"untrack", cmd_untrack, "stop tracking a process"},
    {"hello", cmd_hello, "check that tmm.ko answers: its version and counts"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: tmmstat COMMAND [OPTIONS] [ARGS]\n\n"
		     "Scheduling statistics of kernel threads from tmm.ko, side by side with\n"
		     "the tmm threads libtmm runs on them.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'tmmstat COMMAND --help' describes each; see also tmmstat(1).\n\n"
		     "exit status:\n"
		     "  0  success (run: PROG's own status)\n"
		     "  1  other error\n"
		     "  2  bad arguments\n"
		     "  3  tmm.ko is not loaded\n"
		     "  4  tmm.ko is loaded but its netlink family is missing\n"
		     "  5  permission denied\n"
		     "  6  no such process or thread\n"
		     "  7  not a tmm process (--ult)\n"
		     "  8  the process is not tracked\n"
		     "  9  tmm.ko or the snapshot answered in a way this tmmstat cannot read\n");
}

int main(int argc, char **argv)
{
	opterr = 0; /* each command prints its own one-line error */
	if (argc < 2)
		return usage_error(NULL, "missing command");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout), EXIT_OK;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	return usage_error(NULL, "unknown command '%s'", argv[1]);
}
