/*
 * Live threads, GNU Pth: N threads created and left sleeping on one event
 * (a flag under a mutex and condition variable); reports the time to have
 * them all asleep and the memory each costs, then wakes and joins them.
 */
#include <pth.h>

#include "bench.h"

static pth_mutex_t lock = PTH_MUTEX_INIT;
static pth_cond_t event = PTH_COND_INIT;
static pth_cond_t all_asleep = PTH_COND_INIT;
static long asleep, wanted;
static int event_set;

static void *sleeper(void *arg)
{
	pth_mutex_acquire(&lock, FALSE, NULL);
	if (++asleep == wanted)
		pth_cond_notify(&all_asleep, FALSE);
	while (!event_set)
		pth_cond_await(&event, &lock, NULL);
	pth_mutex_release(&lock);
	return arg;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	pth_t *threads = calloc((size_t)n, sizeof(*threads));
	long rss0, rss1;
	uint64_t t0, t1;

	if (!threads)
		bench_die("out of memory");
	pth_init();
	wanted = n;
	rss0 = bench_maxrss_kb();
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		threads[i] = pth_spawn(PTH_ATTR_DEFAULT, sleeper, NULL);
		if (!threads[i])
			bench_die("created %ld of %ld threads: pth_spawn: %s", i, n,
				  strerror(errno));
	}
	pth_mutex_acquire(&lock, FALSE, NULL);
	while (asleep < n)
		pth_cond_await(&all_asleep, &lock, NULL);
	pth_mutex_release(&lock);
	t1 = bench_now_ns();
	rss1 = bench_maxrss_kb();

	pth_mutex_acquire(&lock, FALSE, NULL);
	event_set = 1;
	pth_cond_notify(&event, TRUE);
	pth_mutex_release(&lock);
	for (long i = 0; i < n; i++)
		pth_join(threads[i], NULL);
	free(threads);
	bench_report("create_live", (double)(t1 - t0) / n, "ns", "lower");
	bench_report("mem_per_thread", (double)(rss1 - rss0) * 1024.0 / n, "B", "lower");
	pth_kill();
	return 0;
}
