// 10,000 concurrent TCP connections on loopback under every model: a server
// thread per connection echoes, 100 client threads hold 100 connections each
// open at once, and every byte that comes back is checked.  The clients run
// in a child process (its own tmm runtime, same model), so each side needs
// 10,000 descriptors, not 20,000.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"
#include "tmm_io.h"

#ifndef CONNS
#define CONNS 10000 /* -DCONNS=N to try fewer where the limit is low */
#endif
#define CLIENTS 100
#define PER_CLIENT (CONNS / CLIENTS)
#define PAYLOAD 3000
#define FDS_NEEDED (CONNS + 100)

static struct sockaddr_in server_addr;
static tmm_barrier_t all_connected;
static tmm_sem_t echoes_done;
static long accepted, echoed_bytes, client_errors, bad_bytes;

static unsigned char pattern(int conn, int i)
{
	return (unsigned char)(conn * 31 + i * 7 + i / 253);
}

static void *echo(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;

	while ((n = tmm_read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0, w; done < n; done += w) {
			w = tmm_write(fd, buf + done, (size_t)(n - done));
			if (w <= 0)
				goto out;
		}
		__atomic_fetch_add(&echoed_bytes, n, __ATOMIC_RELAXED);
	}
out:
	tmm_close(fd);
	tmm_sem_post(&echoes_done);
	return NULL;
}

static void *serve(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	struct tmm_attr attr = {.stack_size = 32 * 1024, .detached = 1};

	for (long i = 0; i < CONNS; i++) {
		int fd = tmm_accept(lfd, NULL, NULL);
		tmm_thread_t *t;

		if (fd < 0 || tmm_create(&t, &attr, echo, (void *)(intptr_t)fd))
			return (void *)(intptr_t)(fd < 0 ? errno : ENOMEM);
		__atomic_fetch_add(&accepted, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int check_echo(int fd, int conn)
{
	unsigned char buf[PAYLOAD];
	size_t got = 0;

	while (got < PAYLOAD) {
		ssize_t n = tmm_read(fd, buf + got, PAYLOAD - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	for (int i = 0; i < PAYLOAD; i++)
		if (buf[i] != pattern(conn, i))
			__atomic_fetch_add(&bad_bytes, 1, __ATOMIC_RELAXED);
	return 0;
}

static void *client(void *arg)
{
	int first = (int)(intptr_t)arg, fds[PER_CLIENT], i, j;
	unsigned char out[PAYLOAD];
	long errors = 0;

	for (i = 0; i < PER_CLIENT; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 ||
		    tmm_connect(fds[i], (struct sockaddr *)&server_addr, sizeof(server_addr)))
			errors++;
	}
	/* Every connection of every client is open at this point. */
	tmm_barrier_wait(&all_connected);
	for (i = 0; i < PER_CLIENT; i++) {
		for (j = 0; j < PAYLOAD; j++)
			out[j] = pattern(first + i, j);
		if (tmm_write(fds[i], out, PAYLOAD) != PAYLOAD)
			errors++;
	}
	for (i = 0; i < PER_CLIENT; i++)
		if (check_echo(fds[i], first + i))
			errors++;
	for (i = 0; i < PER_CLIENT; i++)
		tmm_close(fds[i]);
	__atomic_fetch_add(&client_errors, errors, __ATOMIC_RELAXED);
	return NULL;
}

/* Raises the descriptor limit; 0, or the reason it cannot be done. */
static const char *raise_fd_limit(char *why, size_t len)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return "getrlimit failed";
	if (rl.rlim_cur >= FDS_NEEDED)
		return NULL;
	/* Root may raise the hard limit too; anyone may raise the soft one to it. */
	if (rl.rlim_max < FDS_NEEDED) {
		struct rlimit want = {FDS_NEEDED, FDS_NEEDED};

		if (!setrlimit(RLIMIT_NOFILE, &want))
			return NULL;
	}
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < FDS_NEEDED) {
		snprintf(why, len, "needs %d descriptors, the hard limit is %llu", FDS_NEEDED,
			 (unsigned long long)rl.rlim_max);
		return why;
	}
	return NULL;
}

/* The child: every client thread, then its verdict as the exit status. */
static void run_clients(void)
{
	struct tmm_attr attr = {.stack_size = 64 * 1024};
	tmm_thread_t *clients[CLIENTS];

	if (tmm_init(NULL) || tmm_barrier_init(&all_connected, CLIENTS))
		_exit(3);
	for (int i = 0; i < CLIENTS; i++)
		if (tmm_create(&clients[i], &attr, client, (void *)(intptr_t)(i * PER_CLIENT)))
			_exit(3);
	for (int i = 0; i < CLIENTS; i++)
		tmm_join(clients[i], NULL);
	if (client_errors || bad_bytes)
		fprintf(stderr, "clients: %ld failed calls, %ld wrong bytes\n", client_errors,
			bad_bytes);
	tmm_barrier_destroy(&all_connected);
	tmm_fini();
	_exit(client_errors ? 1 : bad_bytes ? 2 : 0);
}

TEST(ten_thousand_connections_echo_every_byte)
{
	socklen_t len = sizeof(server_addr);
	tmm_thread_t *server;
	char why[128];
	const char *skip = raise_fd_limit(why, sizeof(why));
	int lfd, status;
	void *ret;
	pid_t pid;

	if (skip)
		SKIP(return, "%s", skip);
	server_addr = (struct sockaddr_in){.sin_family = AF_INET};
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(lfd, 0);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&server_addr, sizeof(server_addr)));
	ASSERT_EQ(0, listen(lfd, 4096));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&server_addr, &len));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(lfd);
		run_clients();
	}
	ASSERT_EQ(0, tmm_init(NULL));
	ASSERT_EQ(0, tmm_sem_init(&echoes_done, 0, 0));
	ASSERT_EQ(0, tmm_create(&server, NULL, serve, (void *)(intptr_t)lfd));
	ASSERT_EQ(0, tmm_join(server, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(CONNS, accepted);
	/* Parked, not in waitpid: under M:1 that would stop every echo thread. */
	for (long i = 0; i < accepted; i++)
		ASSERT_EQ(0, tmm_sem_wait(&echoes_done));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)); /* 1: failed calls, 2: wrong bytes, 3: no start */
	/* Every echo thread saw its client's close: all bytes went through. */
	tmm_sem_destroy(&echoes_done);
	EXPECT_EQ(0, tmm_fini());
	EXPECT_EQ((long)CONNS * PAYLOAD, __atomic_load_n(&echoed_bytes, __ATOMIC_RELAXED));
	close(lfd);
}

TEST_HARNESS_MAIN
