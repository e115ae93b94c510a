/*
 * Hand-off latency of tmm's M:N monitor: a thread queues another on its
 * processor, then blocks in a raw read() on an empty pipe; the time until the
 * queued thread runs is the monitor's hand-off of the stuck worker's
 * processor (run with TMM_MODEL=m:n TMM_KTHREADS=1: nobody else can run it).
 *
 *   tmm-handoff [SAMPLES] [QUIET_MS]
 *
 * Before each sample a thread yields for QUIET_MS milliseconds (its worker
 * switches, nothing to hand off: a monitor that backs off has done so);
 * QUIET_MS 0 measures hand-offs back to back.  Reports the median, and the
 * minimum, 90th percentile and maximum on stderr, in microseconds.
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime.h"

static int fds[2];
static uint64_t blocked_at, ran_at, busy_until;

static void *queued(void *arg)
{
	__atomic_store_n(&ran_at, bench_now_ns(), __ATOMIC_SEQ_CST);
	if (write(fds[1], "x", 1) != 1)
		bench_die("write to the pipe failed");
	return arg;
}

/* Queues a thread, then stops its worker in a read() only that thread ends. */
static void *blocker(void *arg)
{
	tmm_thread_t *q = bench_tmm_spawn(queued, NULL);
	char c;

	(void)arg;
	__atomic_store_n(&blocked_at, bench_now_ns(), __ATOMIC_SEQ_CST);
	if (syscall(SYS_read, fds[0], &c, 1) != 1)
		bench_die("read from the pipe failed");
	return q;
}

static void *busy(void *arg)
{
	while (bench_now_ns() < busy_until)
		tmm_yield();
	return arg;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 21);
	long quiet_ms = argc > 2 ? atol(argv[2]) : 20;
	uint64_t *lat = calloc((size_t)n, sizeof(*lat));

	if (!lat || pipe(fds))
		bench_die("out of memory or descriptors");
	bench_tmm_start();
	for (long i = 0; i < n; i++) {
		if (quiet_ms > 0) {
			busy_until = bench_now_ns() + (uint64_t)quiet_ms * 1000000u;
			bench_tmm_join(bench_tmm_spawn(busy, NULL));
		}
		bench_tmm_join(bench_tmm_join(bench_tmm_spawn(blocker, NULL)));
		lat[i] = ran_at - blocked_at;
	}
	qsort(lat, (size_t)n, sizeof(*lat), by_value);
	fprintf(stderr, "handoff: min %.1f p90 %.1f max %.1f us\n", lat[0] / 1e3,
		lat[n * 9 / 10] / 1e3, lat[n - 1] / 1e3);
	bench_report("handoff", lat[n / 2] / 1e3, "us", "lower");
	bench_tmm_stop();
	free(lat);
	return 0;
}
