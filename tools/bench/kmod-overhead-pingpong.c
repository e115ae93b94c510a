// The load of the tmm.ko overhead benchmark: two threads pinned to one CPU
// pass a byte back and forth through two pipes, so every round trip is two
// context switches, two sleeps and two wakeups.  Prints the mean round trip.
//
//   kmod-overhead-pingpong [--track | --track-init] ROUND_TRIPS
//
// --track asks tmm.ko to track this process first; --track-init has it track
// pid 1 instead (and untrack it at the end), so the probes run but this
// process is not tracked.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/tmm.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

static int ping[2], pong[2];
static long round_trips;

static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *ponger(void *arg)
{
	char c;
	long i;

	(void)arg;
	pin_to_cpu0();
	for (i = 0; i < round_trips; i++)
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			exit(1);
	return NULL;
}

// Sends TRACK or UNTRACK for @tgid.  Returns 0 or a positive errno (or
// libnl error) on failure.
static int track_process(int cmd, pid_t tgid)
{
	struct nl_sock *sock = nl_socket_alloc();
	struct nl_msg *msg = nlmsg_alloc();
	int family, err = ENOMEM;

	if (!sock || !msg || genl_connect(sock))
		goto out;
	family = genl_ctrl_resolve(sock, TMM_GENL_NAME);
	err = ENOENT;
	if (family < 0)
		goto out;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd, TMM_GENL_VERSION);
	nla_put_u32(msg, TMM_A_TGID, (uint32_t)tgid);
	err = nl_send_sync(sock, msg); // frees msg
	msg = NULL;
	err = err < 0 ? -err : 0;
out:
	nlmsg_free(msg);
	nl_socket_free(sock);
	return err;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int self = argc > 1 && strcmp(argv[1], "--track") == 0;
	int init = argc > 1 && strcmp(argv[1], "--track-init") == 0;
	int track = self || init;
	pthread_t thread;
	double start;
	char c = 'x';
	long i;

	if (argc != 2 + track || (round_trips = atol(argv[1 + track])) <= 0) {
		fprintf(stderr, "usage: %s [--track | --track-init] ROUND_TRIPS\n", argv[0]);
		return 2;
	}
	if (track && track_process(TMM_CMD_TRACK, self ? getpid() : 1)) {
		fprintf(stderr, "%s: TRACK failed (is tmm.ko loaded?)\n", argv[0]);
		return 1;
	}
	if (pipe(ping) || pipe(pong))
		return 1;
	pin_to_cpu0();
	pthread_create(&thread, NULL, ponger, NULL);
	start = now_ns();
	for (i = 0; i < round_trips; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			return 1;
	printf("%.0f\n", (now_ns() - start) / (double)round_trips);
	pthread_join(thread, NULL);
	if (init)
		track_process(TMM_CMD_UNTRACK, 1);
	return 0;
}
