/*
 * Channel ping-pong, GNU Pth: its message ports are its channels; one port
 * each way, a thread waits for a message with pth_wait on a message event.
 */
#include <pth.h>

#include "bench.h"

struct ball {
	pth_message_t head; /* first, as Pth requires */
	long hits;
};

static pth_msgport_t ports[2];
static long rounds;

static struct ball *catch_ball(pth_msgport_t port, pth_event_t arrived)
{
	struct ball *b;

	while (!(b = (struct ball *)pth_msgport_get(port)))
		pth_wait(arrived);
	return b;
}

static void *player(void *arg)
{
	int me = (int)(intptr_t)arg;
	pth_event_t arrived = pth_event(PTH_EVENT_MSG, ports[me]);

	for (long i = 0; i < rounds; i++) {
		struct ball *b = catch_ball(ports[me], arrived);

		b->hits++;
		pth_msgport_put(ports[!me], &b->head);
	}
	pth_event_free(arrived, PTH_FREE_THIS);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct ball ball;
	pth_t a, b;
	uint64_t t0;

	rounds = bench_arg(argc, argv, 1, 100000);
	pth_init();
	ports[0] = pth_msgport_create("ping");
	ports[1] = pth_msgport_create("pong");
	t0 = bench_now_ns();
	a = pth_spawn(PTH_ATTR_DEFAULT, player, (void *)0);
	b = pth_spawn(PTH_ATTR_DEFAULT, player, (void *)1);
	if (!a || !b)
		bench_die("pth_spawn failed");
	pth_msgport_put(ports[0], &ball.head);
	pth_join(a, NULL);
	pth_join(b, NULL);
	/* The last throw lands back in port 0, uncaught. */
	if (ball.hits != 2 * rounds)
		bench_die("ball hit %ld times, expected %ld", ball.hits, 2 * rounds);
	bench_report("chan_pingpong", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	pth_msgport_destroy(ports[0]);
	pth_msgport_destroy(ports[1]);
	pth_kill();
	return 0;
}
