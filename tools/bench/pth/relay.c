/*
 * Mutex relay, GNU Pth: two threads hand three mutexes of a ring to each
 * other, each taking the next and letting go of the one it held, so that
 * every step is a handoff from the other thread (tools/bench/tmm/relay.c).
 */
#include <pth.h>

#include "bench.h"

static pth_mutex_t ring[3] = {PTH_MUTEX_INIT, PTH_MUTEX_INIT, PTH_MUTEX_INIT};
static long steps;
static int ready;
static long done[2];

static void *relayer(void *arg)
{
	int me = (int)(intptr_t)arg, held = me;

	pth_mutex_acquire(&ring[held], FALSE, NULL);
	ready++;
	while (ready < 2)
		pth_yield(NULL);
	for (long i = 0; i < steps; i++) {
		int next = (held + 1) % 3;

		pth_mutex_acquire(&ring[next], FALSE, NULL);
		pth_mutex_release(&ring[held]);
		held = next;
		done[me]++;
	}
	pth_mutex_release(&ring[held]);
	return NULL;
}

int main(int argc, char **argv)
{
	pth_t a, b;
	uint64_t t0;

	steps = bench_arg(argc, argv, 1, 100000);
	pth_init();
	t0 = bench_now_ns();
	a = pth_spawn(PTH_ATTR_DEFAULT, relayer, (void *)0);
	b = pth_spawn(PTH_ATTR_DEFAULT, relayer, (void *)1);
	if (!a || !b)
		bench_die("pth_spawn failed");
	pth_join(a, NULL);
	pth_join(b, NULL);
	if (done[0] + done[1] != 2 * steps)
		bench_die("lost steps: %ld of %ld", done[0] + done[1], 2 * steps);
	bench_report("mutex_relay", (double)(bench_now_ns() - t0) / (2.0 * steps), "ns", "lower");
	pth_kill();
	return 0;
}
