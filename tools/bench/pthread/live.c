/*
 * Live threads, pthreads: N threads created and left sleeping on one event
 * (a flag under a mutex and condition variable); reports the time to have
 * them all asleep and the memory each costs, then wakes and joins them.
 */
#include <pthread.h>

#include "bench.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t event = PTHREAD_COND_INITIALIZER;
static pthread_cond_t all_asleep = PTHREAD_COND_INITIALIZER;
static long asleep, wanted;
static int event_set;

static void *sleeper(void *arg)
{
	pthread_mutex_lock(&lock);
	if (++asleep == wanted)
		pthread_cond_signal(&all_asleep);
	while (!event_set)
		pthread_cond_wait(&event, &lock);
	pthread_mutex_unlock(&lock);
	return arg;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000);
	pthread_t *threads = calloc((size_t)n, sizeof(*threads));
	long rss0 = bench_maxrss_kb(), rss1;
	uint64_t t0, t1;

	if (!threads)
		bench_die("out of memory");
	wanted = n;
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		int err = pthread_create(&threads[i], NULL, sleeper, NULL);

		if (err)
			bench_die("created %ld of %ld threads: pthread_create: %s", i, n,
				  strerror(err));
	}
	pthread_mutex_lock(&lock);
	while (asleep < n)
		pthread_cond_wait(&all_asleep, &lock);
	pthread_mutex_unlock(&lock);
	t1 = bench_now_ns();
	rss1 = bench_maxrss_kb();

	pthread_mutex_lock(&lock);
	event_set = 1;
	pthread_cond_broadcast(&event);
	pthread_mutex_unlock(&lock);
	for (long i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	bench_report("create_live", (double)(t1 - t0) / n, "ns", "lower");
	bench_report("mem_per_thread", (double)(rss1 - rss0) * 1024.0 / n, "B", "lower");
	return 0;
}
