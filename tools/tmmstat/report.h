/*
 * report.h — the per-kernel-thread report that show, run and top print:
 * sorting, the aligned table, the JSON document, and ulib's threads under
 * each kernel thread when a snapshot is given.
 */
#ifndef TMMSTAT_REPORT_H
#define TMMSTAT_REPORT_H

#include <stdio.h>

#include "snapshot.h"
#include "tmmstat.h"

enum sort_key {
	SORT_TID,
	SORT_ONCPU,
	SORT_RUNQ,
	SORT_SWITCHES,
	SORT_SBLOCK,
	SORT_DBLOCK,
	SORT_NAME
};

#define SORT_KEYS "tid, cpu, runq, switches, sblock, dblock, name"

/* 0, or EINVAL for a name not in SORT_KEYS. */
int parse_sort_key(const char *name, enum sort_key *key);
/* Figures descending (the busiest first); tid and name ascending. */
void sort_threads(struct thread_list *l, enum sort_key key);

/* "running", "runnable", "sleeping", "disk", "stopped", "dead". */
const char *thread_state_name(uint32_t state);
/* The system call it blocked in most often, "-" if none. */
const char *top_syscall(const struct thread_stats *t);

struct report {
	pid_t pid;
	const struct thread_list *threads;
	const struct snapshot *ult;	     /* NULL: kernel threads only */
	const char *title;		     /* a line before the table, or NULL */
	const struct process_stats *process; /* the module's process figures, or NULL */
};

void report_table(FILE *out, const struct report *r);
void report_json(FILE *out, const struct report *r);

#endif /* TMMSTAT_REPORT_H */
