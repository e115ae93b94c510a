/*
 * Mutex relay, tmm (model from TMM_MODEL): two threads hand mutexes to each
 * other, one handoff after another.  Three mutexes form a ring; thread 0
 * starts holding the first, thread 1 the second, and at each step a thread
 * takes the next mutex of the ring and lets go of the one it held.  Each
 * thread's next mutex is the one the other holds or has just let go of, so
 * the two alternate strictly and every step is a handoff from the other
 * thread, with no polling and no other primitive (in the mutex workload the
 * holder mostly takes the mutex again itself).
 *
 *   tmm-relay [STEPS [bound]]
 *
 * Reports the time per handoff.  With "bound", each thread binds itself to
 * a processor of its own (tmm_bind_processor: 0 and 1), so that under M:N
 * every handoff crosses between two workers.
 */
#include "runtime.h"

static tmm_mutex_t ring[3] = {TMM_MUTEX_INITIALIZER, TMM_MUTEX_INITIALIZER, TMM_MUTEX_INITIALIZER};
static long steps;
static int ready; /* atomic: threads holding their first mutex */
static long done[2];
static int bound;

static void *relayer(void *arg)
{
	int me = (int)(intptr_t)arg, held = me;

	if (bound && tmm_bind_processor(me % (int)tmm_processor_count()))
		bench_die("cannot bind to processor %d", me);
	tmm_mutex_lock(&ring[held]);
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 2)
		tmm_yield();
	for (long i = 0; i < steps; i++) {
		int next = (held + 1) % 3;

		tmm_mutex_lock(&ring[next]);
		tmm_mutex_unlock(&ring[held]);
		held = next;
		done[me]++;
	}
	tmm_mutex_unlock(&ring[held]);
	return NULL;
}

int main(int argc, char **argv)
{
	tmm_thread_t *a, *b;
	uint64_t t0;

	steps = bench_arg(argc, argv, 1, 100000);
	if (argc > 2 && strcmp(argv[2], "bound"))
		bench_die("usage: %s [STEPS [bound]]", argv[0]);
	bound = argc > 2;
	bench_tmm_start();
	t0 = bench_now_ns();
	a = bench_tmm_spawn(relayer, (void *)0);
	b = bench_tmm_spawn(relayer, (void *)1);
	bench_tmm_join(a);
	bench_tmm_join(b);
	if (done[0] + done[1] != 2 * steps)
		bench_die("lost steps: %ld of %ld", done[0] + done[1], 2 * steps);
	bench_report("mutex_relay", (double)(bench_now_ns() - t0) / (2.0 * steps), "ns", "lower");
	bench_tmm_stop();
	return 0;
}
