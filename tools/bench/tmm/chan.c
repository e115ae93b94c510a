/* Channel ping-pong, tmm (model from TMM_MODEL): two rendezvous channels, one each way. */
#include "runtime.h"

static tmm_chan_t *ping, *pong;

static void *server(void *arg)
{
	long v;

	while (tmm_chan_recv(ping, &v) == 0) {
		v++;
		if (tmm_chan_send(pong, &v))
			bench_die("tmm_chan_send failed");
	}
	return arg;
}

int main(int argc, char **argv)
{
	long rounds = bench_arg(argc, argv, 1, 100000);
	tmm_thread_t *t;
	uint64_t t0;
	long v = 0;

	bench_tmm_start();
	if (tmm_chan_create(&ping, sizeof(long), 0) || tmm_chan_create(&pong, sizeof(long), 0))
		bench_die("tmm_chan_create failed");
	t0 = bench_now_ns();
	t = bench_tmm_spawn(server, NULL);
	for (long i = 0; i < rounds; i++)
		if (tmm_chan_send(ping, &v) || tmm_chan_recv(pong, &v))
			bench_die("channel ping-pong failed at round %ld", i);
	tmm_chan_close(ping);
	bench_tmm_join(t);
	if (v != rounds)
		bench_die("got %ld replies, expected %ld", v, rounds);
	bench_report("chan_pingpong", (double)(bench_now_ns() - t0) / (2.0 * rounds), "ns",
		     "lower");
	tmm_chan_destroy(ping);
	tmm_chan_destroy(pong);
	bench_tmm_stop();
	return 0;
}
