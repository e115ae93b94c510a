/*
 * fetch.h — one picture of a process: the module's threads (and ulib's
 * snapshot for --ult), with every failure turned into its message and
 * exit code.  Shared by show and top.
 */
#ifndef TMMSTAT_FETCH_H
#define TMMSTAT_FETCH_H

#include "nl.h"
#include "report.h"
#include "snapshot.h"

struct view_options {
	enum sort_key sort;
	int json;
	int ult;
};

/* --sort, --json, --ult (getopt letters s, j, u); 0 or EXIT_USAGE. */
int parse_common_option(int opt, const char *cmd, struct view_options *v, char **argv);

/* The tracked threads of @pid, sorted; 0 or an exit code (message printed). */
int fetch_threads(struct tmm_nl *nl, pid_t pid, enum sort_key sort, struct thread_list *out);

/* ulib's snapshot of @pid; 0 or an exit code (message printed). */
int fetch_ult(pid_t pid, struct snapshot *s);

/* show: fetch and print once. */
int show_once(pid_t pid, const struct view_options *v, FILE *out);

#endif /* TMMSTAT_FETCH_H */
