// A child process with a known number of threads for the VM selftests: it
// starts some threads, says so, waits for the word, starts more, says so
// again, and lives until it is killed or its parent goes away.
#ifndef TMM_SELFTEST_CHILD_H
#define TMM_SELFTEST_CHILD_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct tmm_child {
	pid_t pid;
	int to_child;	// the parent writes one byte per "go"
	int from_child; // the child writes one byte per "ready"
};

static inline void *tmm_child_idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static inline int tmm_child_spawn_threads(int n)
{
	pthread_attr_t attr;
	pthread_t t;
	int i;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < n; i++)
		if (pthread_create(&t, &attr, tmm_child_idle_thread, NULL))
			return -1;
	pthread_attr_destroy(&attr);
	return 0;
}

static inline void tmm_child_main(int in, int out, int before, int after)
{
	char c = 1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (tmm_child_spawn_threads(before) || write(out, &c, 1) != 1)
		_exit(1);
	if (read(in, &c, 1) != 1)
		_exit(0);
	if (tmm_child_spawn_threads(after) || write(out, &c, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

// Forks the child; it has 1 + @before threads once the first "ready" comes,
// 1 + @before + @after after tmm_child_go() and the second.  Returns 0 or
// errno.
static inline int tmm_child_start(struct tmm_child *c, int before, int after)
{
	int down[2], up[2];

	if (pipe(down) || pipe(up))
		return errno;
	c->pid = fork();
	if (c->pid < 0)
		return errno;
	if (c->pid == 0) {
		close(down[1]);
		close(up[0]);
		tmm_child_main(down[0], up[1], before, after);
	}
	close(down[0]);
	close(up[1]);
	c->to_child = down[1];
	c->from_child = up[0];
	return 0;
}

static inline int tmm_child_wait_ready(struct tmm_child *c)
{
	char b;

	return read(c->from_child, &b, 1) == 1 ? 0 : EPIPE;
}

static inline int tmm_child_go(struct tmm_child *c)
{
	char b = 1;

	return write(c->to_child, &b, 1) == 1 ? 0 : EPIPE;
}

static inline void tmm_child_kill(struct tmm_child *c)
{
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	close(c->to_child);
	close(c->from_child);
}

#endif // TMM_SELFTEST_CHILD_H
