/*
 * Mutex handoff, pthreads: two threads take one mutex in turn, each holding
 * it across a yield so that the other finds it taken and must wait for it.
 * Also reports the share of acquisitions made by the other thread than the
 * one before (each pthread is a kernel thread of its own): the holder may
 * take the mutex again before the waiter wakes, as pthreads allow.
 */
#include <pthread.h>
#include <sched.h>

#include "bench.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long rounds;
static long shared;
static long kthread_changes;
static int last_holder;

static void *contender(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&lock);
		shared++;
		kthread_changes += last_holder && me != last_holder;
		last_holder = me;
		sched_yield();
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 200000);
	t0 = bench_now_ns();
	if (pthread_create(&a, NULL, contender, (void *)1) ||
	    pthread_create(&b, NULL, contender, (void *)2))
		bench_die("pthread_create failed");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	if (shared != 2 * rounds)
		bench_die("lost updates: %ld of %ld", shared, 2 * rounds);
	bench_report("mutex_handoff", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	bench_report("other_kthread", 100.0 * (double)kthread_changes / (2.0 * rounds - 1), "%",
		     "neutral");
	return 0;
}
