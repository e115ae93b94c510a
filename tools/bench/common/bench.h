/*
 * bench.h — what every C and C++ benchmark program shares.
 *
 * A benchmark program runs one workload once and prints its figures as
 *
 *   bench: METRIC VALUE UNIT lower|higher|neutral
 *
 * ("lower" when a smaller value is better; "neutral" for a figure that
 * describes the run rather than ranks the systems).  tools/bench/run runs the
 * programs interleaved, takes medians and draws the charts; the programs
 * themselves know nothing of repetitions, tables or peers.
 *
 * Usable from C11 and C++17; everything is static inline.
 */
#ifndef TMM_BENCH_H
#define TMM_BENCH_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void bench_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static inline void bench_die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* argv[i] as a positive count, or dflt when absent. */
static inline long bench_arg(int argc, char **argv, int i, long dflt)
{
	char *end;
	long v;

	if (i >= argc)
		return dflt;
	v = strtol(argv[i], &end, 10);
	if (*end || v <= 0)
		bench_die("argument %d: '%s' is not a positive count", i, argv[i]);
	return v;
}

static inline void bench_report(const char *metric, double value, const char *unit,
				const char *better)
{
	printf("bench: %s %.3f %s %s\n", metric, value, unit, better);
	fflush(stdout);
}

/* Peak resident set of this process so far, in KiB (the kernel's accounting). */
static inline long bench_maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * The unit of CPU-bound work in the blocking-interference workload: about
 * 10 µs of multiply-adds that the compiler cannot fold.  Every language's
 * version runs the same 10,000-step recurrence.
 */
#define BENCH_BURN_STEPS 10000

static inline uint64_t bench_burn(uint64_t x)
{
	for (int i = 0; i < BENCH_BURN_STEPS; i++)
		x = x * 6364136223846793005u + 1442695040888963407u;
	return x;
}

/*
 * Writes count bytes into fd at the monotonic time at_ns, from a child
 * process, so that the threads blocked in read() on the other end are freed
 * whatever the runtime under test does with its own kernel threads
 * (under M:1 it has none left to run a writer).
 */
static inline pid_t bench_release_at(int fd, uint64_t at_ns, int count)
{
	pid_t pid = fork();

	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (pid == 0) {
		uint64_t now = bench_now_ns();

		if (at_ns > now) {
			struct timespec ts = {(time_t)((at_ns - now) / 1000000000u),
					      (long)((at_ns - now) % 1000000000u)};
			nanosleep(&ts, NULL);
		}
		for (int i = 0; i < count; i++)
			if (write(fd, "x", 1) != 1)
				_exit(1);
		_exit(0);
	}
	return pid;
}

static inline void bench_reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Reference value for the fork-join tree, to check every system's answer. */
static inline long bench_fib_expected(long n)
{
	long a = 0, b = 1;

	for (long i = 0; i < n; i++) {
		long t = a + b;

		a = b;
		b = t;
	}
	return a;
}

/* The threads one fib(n) tree spawns, one per call with n >= 2: fib(n + 1) - 1. */
static inline long bench_fib_spawns(long n)
{
	return bench_fib_expected(n + 1) - 1;
}

#endif /* TMM_BENCH_H */
