/*
 * Live threads, tmm (model from TMM_MODEL): N threads created and left
 * sleeping on one tmm_event; reports the time to have them all asleep and
 * the memory each costs, then wakes and joins them.
 */
#include <stdatomic.h>

#include "runtime.h"

static tmm_event_t event, all_asleep;
static atomic_long asleep;
static long wanted;

static void *sleeper(void *arg)
{
	if (atomic_fetch_add(&asleep, 1) + 1 == wanted)
		tmm_event_set(&all_asleep);
	if (tmm_event_wait(&event))
		bench_die("tmm_event_wait failed");
	return arg;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	tmm_thread_t **threads = calloc((size_t)n, sizeof(*threads));
	long rss0, rss1;
	uint64_t t0, t1;

	if (!threads)
		bench_die("out of memory");
	bench_tmm_start();
	tmm_event_init(&event);
	tmm_event_init(&all_asleep);
	wanted = n;
	rss0 = bench_maxrss_kb();
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		int err = tmm_create(&threads[i], NULL, sleeper, NULL);

		if (err)
			bench_die("created %ld of %ld threads: tmm_create: %s", i, n,
				  strerror(err));
	}
	tmm_event_wait(&all_asleep);
	t1 = bench_now_ns();
	rss1 = bench_maxrss_kb();

	tmm_event_set(&event);
	for (long i = 0; i < n; i++)
		bench_tmm_join(threads[i]);
	free(threads);
	bench_report("create_live", (double)(t1 - t0) / n, "ns", "lower");
	bench_report("mem_per_thread", (double)(rss1 - rss0) * 1024.0 / n, "B", "lower");
	tmm_event_destroy(&event);
	tmm_event_destroy(&all_asleep);
	bench_tmm_stop();
	return 0;
}
