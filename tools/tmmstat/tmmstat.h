/*
 * tmmstat.h — what the commands of tmmstat share: exit codes, the figures
 * of one kernel thread as tmm.ko reports them, and the command entry points.
 */
#ifndef TMMSTAT_H
#define TMMSTAT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/tmm.h>

/* Exit codes: each error a person can act on has its own (see --help). */
enum tmmstat_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_OTHER = 1, /* anything not below */
	EXIT_USAGE = 2,		/* bad arguments */
	EXIT_NO_MODULE = 3,	/* tmm.ko is not loaded */
	EXIT_NO_FAMILY = 4,	/* tmm.ko is loaded but its netlink family is missing */
	EXIT_PERMISSION = 5,	/* not allowed (root or ptrace access needed) */
	EXIT_NO_PROCESS = 6,	/* no such process or thread */
	EXIT_NOT_TMM = 7,	/* --ult: the process does not run libtmm */
	EXIT_NOT_TRACKED = 8,	/* the process is not tracked by tmm.ko */
	EXIT_PROTOCOL = 9,	/* the module or the snapshot answered nonsense */
};

struct syscall_slot {
	int32_t nr; /* -1: blocked outside any system call */
	uint64_t blocks;
	uint64_t block_ns;
};

/* Everything TMM_A_THREAD carries; absent attributes read as zero. */
struct thread_stats {
	uint32_t tid, tgid;
	char comm[17];
	char label[TMM_LABEL_LEN];
	uint32_t state; /* enum tmm_thread_state */
	uint32_t cpu;
	uint64_t tracked_ns, on_cpu_ns, runq_delay_ns, runq_waits, sched_in;
	uint64_t vol_switches, invol_switches, migrations;
	uint64_t s_blocks, s_block_ns, s_block_max_ns;
	uint64_t d_blocks, d_block_ns, d_block_max_ns;
	uint64_t block_hist[TMM_HIST_BUCKETS];
	uint64_t wakeup_hist[TMM_HIST_BUCKETS];
	struct syscall_slot syscalls[TMM_SYSCALL_SLOTS];
	unsigned int nsyscalls;
	uint64_t syscall_other_blocks, syscall_other_ns;
};

struct process_stats {
	uint32_t tgid, flags, threads;
	uint64_t threads_seen, threads_exited, dropped;
};

/* A growable list of threads (one dump, or the exits `run` collected). */
struct thread_list {
	struct thread_stats *v;
	size_t n, cap;
};

int thread_list_add(struct thread_list *l, const struct thread_stats *t);
void thread_list_free(struct thread_list *l);

/* Prints "tmmstat: " and the message to stderr. */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_show(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_hist(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_track(int argc, char **argv);
int cmd_untrack(int argc, char **argv);
int cmd_hello(int argc, char **argv);

/* Parses a positive pid/tid; 0 on success, or prints a usage error and returns EXIT_USAGE. */
int parse_pid(const char *cmd, const char *text, pid_t *pid);

/* Bad-arguments line plus the hint; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* TMMSTAT_H */
