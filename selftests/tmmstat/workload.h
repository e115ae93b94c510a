/*
 * workload.h — the script both VM workloads follow, so that a test can
 * look at them at known points:
 *
 *   prints "ready PID"   then reads a line ("go", or end of input)
 *   three threads work:  "sleeper" sleeps 10 x 15 ms (150 ms in all),
 *                        "blocker" blocks its kernel thread in nanosleep
 *                        4 x 30 ms (120 ms), "spinner" burns 30 ms of CPU
 *   prints "done"        with every thread still alive, waiting
 *   with --hold          reads until end of input (the test looks now)
 *   exits                with --exit N's status (default 0)
 */
#ifndef TMM_SELFTEST_WORKLOAD_H
#define TMM_SELFTEST_WORKLOAD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLEEPER_NAPS 10
#define SLEEPER_NAP_NS (15 * 1000 * 1000ull)
#define BLOCKER_NAPS 4
#define BLOCKER_NAP_NS (30 * 1000 * 1000ull)
#define SPINNER_NS (30 * 1000 * 1000ull)

struct workload_args {
	int hold;
	int status;
};

static inline void workload_parse(int argc, char **argv, struct workload_args *a)
{
	a->hold = 0;
	a->status = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hold") == 0)
			a->hold = 1;
		else if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc)
			a->status = atoi(argv[++i]);
	}
}

static inline uint64_t workload_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* A raw nanosleep: blocks the kernel thread whatever the model. */
static inline void workload_block(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Reads one line (or end of input) from stdin. */
static inline void workload_wait_line(void)
{
	char c;

	while (read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
		;
}

/* Reads until end of input. */
static inline void workload_wait_eof(void)
{
	char buf[64];

	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
}

static inline void workload_say(const char *what)
{
	if (strcmp(what, "ready") == 0)
		printf("ready %d\n", (int)getpid());
	else
		printf("%s\n", what);
	fflush(stdout);
}

#endif /* TMM_SELFTEST_WORKLOAD_H */
