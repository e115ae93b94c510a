// The "events" multicast group: a tracked thread that exits sends its final
// figures, and the last thread of a tracked process says the process ended.
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"

struct event {
	int cmd;
	struct tmm_thread_stat thread;
	struct tmm_process_stat process;
};

static void on_event(struct nlattr **tb, int cmd, void *arg)
{
	struct event *ev = arg;

	ev->cmd = cmd;
	if (cmd == TMM_CMD_THREAD_EXIT)
		tmm_parse_thread(tb[TMM_A_THREAD], &ev->thread);
	else if (cmd == TMM_CMD_PROCESS_EXIT)
		tmm_parse_process(tb[TMM_A_PROCESS], &ev->process);
}

static int events_open(struct tmm_nl *nl)
{
	int group, err = tmm_nl_open(nl);

	if (err)
		return err;
	nl_socket_disable_seq_check(nl->sock);
	group = genl_ctrl_resolve_grp(nl->sock, TMM_GENL_NAME, TMM_GENL_MCGRP_EVENTS);
	if (group < 0 || nl_socket_add_membership(nl->sock, group))
		return ENOENT;
	return 0;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

// Waits up to 10 s for the next event of process @tgid.  Returns 0 or
// ETIMEDOUT.
static int event_next(struct tmm_nl *nl, pid_t tgid, struct event *ev)
{
	struct tmm_nl_exchange x = {.on_reply = on_event, .arg = ev};
	struct pollfd pfd = {.fd = nl_socket_get_fd(nl->sock), .events = POLLIN};
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int found = 0;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, tmm_nl_on_valid, &x);
	// Events are not answers: no sequence number to check.
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	while (!found && poll(&pfd, 1, 10000) == 1) {
		ev->cmd = 0;
		if (nl_recvmsgs(nl->sock, cb) < 0)
			break;
		found = (ev->cmd == TMM_CMD_THREAD_EXIT && (pid_t)ev->thread.tgid == tgid) ||
			(ev->cmd == TMM_CMD_PROCESS_EXIT && (pid_t)ev->process.tgid == tgid);
	}
	nl_cb_put(cb);
	return found ? 0 : ETIMEDOUT;
}

// Waits until thread @tid of @pid is asleep (state S in /proc).
static int wait_asleep(pid_t pid, pid_t tid)
{
	char path[64], buf[512], *state;
	int tries;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	for (tries = 0; tries < 1000; tries++) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = '\0';
		state = strrchr(buf, ')');
		if (state && state[1] == ' ' && state[2] == 'S')
			return 0;
		usleep(10000);
	}
	return ETIMEDOUT;
}

static int go_pipe[2], tid_pipe[2];

static void *child_thread(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	volatile uint64_t spin;
	char c;

	(void)arg;
	for (spin = 0; spin < 1000000; spin++)
		;
	// The first wait may begin before tracking does; the second begins
	// after, so it is surely counted (a thread caught on its way to sleep
	// when tracking starts is taken for running).
	if (write(tid_pipe[1], &tid, sizeof(tid)) != sizeof(tid) || read(go_pipe[0], &c, 1) != 1 ||
	    write(tid_pipe[1], &tid, sizeof(tid)) != sizeof(tid) || read(go_pipe[0], &c, 1) != 1)
		_exit(1);
	return NULL;
}

// The child: one extra thread that ends on the first byte, then the main
// thread ends on the second.
static void child_main(void)
{
	pthread_t t;
	char c;

	pthread_create(&t, NULL, child_thread, NULL);
	pthread_join(t, NULL);
	if (read(go_pipe[0], &c, 1) != 1)
		_exit(1);
	_exit(0);
}

TEST(exiting_threads_send_final_figures)
{
	struct tmm_nl nl, events;
	struct event ev;
	pid_t child, tid;
	char go = 1;
	int status;

	ASSERT_EQ(0, pipe(go_pipe));
	ASSERT_EQ(0, pipe(tid_pipe));
	ASSERT_EQ(0, tmm_nl_open(&nl));
	ASSERT_EQ(0, events_open(&events));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		child_main();
	ASSERT_EQ((ssize_t)sizeof(tid), read(tid_pipe[0], &tid, sizeof(tid)));
	ASSERT_EQ(0, tmm_nl_track(&nl, child, 0));

	// The extra thread waits in read a second time, now tracked, then exits.
	ASSERT_EQ(1, write(go_pipe[1], &go, 1));
	ASSERT_EQ((ssize_t)sizeof(tid), read(tid_pipe[0], &tid, sizeof(tid)));
	ASSERT_EQ(0, wait_asleep(child, tid));
	ASSERT_EQ(1, write(go_pipe[1], &go, 1));
	ASSERT_EQ(0, event_next(&events, child, &ev));
	ASSERT_EQ(TMM_CMD_THREAD_EXIT, ev.cmd);
	EXPECT_EQ(tid, (pid_t)ev.thread.tid);
	EXPECT_EQ((uint32_t)TMM_STATE_DEAD, ev.thread.state);
	EXPECT_GE(ev.thread.v[TMM_THREAD_A_SCHED_IN], 1u);
	EXPECT_GT(ev.thread.v[TMM_THREAD_A_ON_CPU_NS], 0u);
	EXPECT_GE(ev.thread.v[TMM_THREAD_A_S_BLOCKS], 1u); // it waited in read

	// Then the main thread, the last one: its figures, then the process.
	ASSERT_EQ(1, write(go_pipe[1], &go, 1));
	ASSERT_EQ(0, event_next(&events, child, &ev));
	ASSERT_EQ(TMM_CMD_THREAD_EXIT, ev.cmd);
	EXPECT_EQ(child, (pid_t)ev.thread.tid);
	ASSERT_EQ(0, event_next(&events, child, &ev));
	ASSERT_EQ(TMM_CMD_PROCESS_EXIT, ev.cmd);
	EXPECT_EQ(2, (int)ev.process.threads_exited);
	EXPECT_EQ(0, (int)ev.process.threads);

	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	// An ended process is no longer tracked.
	EXPECT_EQ(ESRCH, tmm_nl_untrack(&nl, child));
	tmm_nl_close(&events);
	tmm_nl_close(&nl);
}

TEST(non_admin_cannot_listen_to_events)
{
	struct tmm_nl nl;
	int group;

	ASSERT_EQ(0, tmm_nl_open(&nl));
	group = genl_ctrl_resolve_grp(nl.sock, TMM_GENL_NAME, TMM_GENL_MCGRP_EVENTS);
	ASSERT_GT(group, 0);
	ASSERT_EQ(0, setgid(65534));
	ASSERT_EQ(0, setuid(65534));
	EXPECT_NE(0, nl_socket_add_membership(nl.sock, group));
	tmm_nl_close(&nl);
}

TEST_HARNESS_MAIN
