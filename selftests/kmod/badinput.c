// Bad input: missing, malformed, oversized and unknown attributes, unknown
// pids and unknown commands each get an error reply; then 10,000 random
// messages leave the kernel log free of WARNING, BUG and Oops.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"

#define NO_SUCH_PID 4000000 // above any pid the guest hands out

struct raw_attr {
	int type;
	int len;
	const void *data;
};

// Sends command @cmd with attributes exactly as given (no policy on this
// side).  Returns the kernel's errno.
static int send_raw(struct tmm_nl *nl, int cmd, int flags, const struct raw_attr *attrs, int n)
{
	struct nl_msg *msg = tmm_nl_msg(nl, cmd, flags);
	int i;

	if (!msg)
		return ENOMEM;
	for (i = 0; i < n; i++)
		if (nla_put(msg, attrs[i].type, attrs[i].len, attrs[i].data)) {
			nlmsg_free(msg);
			return ENOMEM;
		}
	return tmm_nl_send(nl, msg, NULL, NULL);
}

static int send_u32(struct tmm_nl *nl, int cmd, int type, uint32_t value)
{
	struct raw_attr a = {type, sizeof(value), &value};

	return send_raw(nl, cmd, 0, &a, 1);
}

FIXTURE(nl)
{
	struct tmm_nl nl;
};

FIXTURE_SETUP(nl)
{
	struct timeval five_s = {5, 0};

	ASSERT_EQ(0, tmm_nl_open(&self->nl));
	// A message the kernel never answers fails instead of hanging.
	setsockopt(nl_socket_get_fd(self->nl.sock), SOL_SOCKET, SO_RCVTIMEO, &five_s,
		   sizeof(five_s));
}

FIXTURE_TEARDOWN(nl)
{
	tmm_nl_untrack(&self->nl, getpid());
	tmm_nl_close(&self->nl);
}

TEST_F(nl, missing_attributes)
{
	EXPECT_EQ(EINVAL, send_raw(&self->nl, TMM_CMD_TRACK, 0, NULL, 0));
	EXPECT_EQ(EINVAL, send_raw(&self->nl, TMM_CMD_UNTRACK, 0, NULL, 0));
	EXPECT_EQ(EINVAL, send_raw(&self->nl, TMM_CMD_GET_THREAD, 0, NULL, 0));
	EXPECT_EQ(EINVAL, send_raw(&self->nl, TMM_CMD_GET_THREAD, NLM_F_DUMP, NULL, 0));
	EXPECT_EQ(EINVAL, send_raw(&self->nl, TMM_CMD_RESET, 0, NULL, 0));
	EXPECT_EQ(EINVAL, send_raw(&self->nl, TMM_CMD_GET_PROCESS, 0, NULL, 0));
	EXPECT_EQ(EINVAL, send_u32(&self->nl, TMM_CMD_SET_LABEL, TMM_A_TID, getpid()));
	EXPECT_EQ(EINVAL, send_raw(&self->nl, TMM_CMD_SET_LABEL, 0,
				   &(struct raw_attr){TMM_A_LABEL, 4, "abc"}, 1));
}

TEST_F(nl, malformed_attributes)
{
	uint16_t short_pid = 1;
	uint32_t pid = getpid();

	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_TRACK, 0,
			      &(struct raw_attr){TMM_A_TGID, sizeof(short_pid), &short_pid}, 1));
	EXPECT_NE(
	    0, send_raw(&self->nl, TMM_CMD_TRACK, 0, &(struct raw_attr){TMM_A_TGID, 0, NULL}, 1));
	// A label without its NUL.
	struct raw_attr label[] = {{TMM_A_TID, 4, &pid}, {TMM_A_LABEL, 3, "abc"}};
	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_SET_LABEL, 0, label, 2));
	// Pid 0 and flags outside the known bits.
	EXPECT_EQ(ERANGE, send_u32(&self->nl, TMM_CMD_TRACK, TMM_A_TGID, 0));
	uint32_t bad_flags = 0x80;
	struct raw_attr flags[] = {{TMM_A_TGID, 4, &pid}, {TMM_A_FLAGS, 4, &bad_flags}};
	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_TRACK, 0, flags, 2));
}

TEST_F(nl, oversized_attributes)
{
	uint64_t big_pid = getpid();
	uint32_t pid = getpid();
	char label[200];

	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_TRACK, 0,
			      &(struct raw_attr){TMM_A_TGID, sizeof(big_pid), &big_pid}, 1));
	memset(label, 'x', sizeof(label));
	label[sizeof(label) - 1] = '\0';
	struct raw_attr attrs[] = {{TMM_A_TID, 4, &pid}, {TMM_A_LABEL, sizeof(label), label}};
	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_SET_LABEL, 0, attrs, 2));
}

TEST_F(nl, unknown_attributes)
{
	uint32_t pid = getpid();
	struct raw_attr beyond[] = {{TMM_A_TGID, 4, &pid}, {200, 4, &pid}};
	struct raw_attr foreign[] = {{TMM_A_TGID, 4, &pid}, {TMM_A_LABEL, 4, "abc"}};

	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_TRACK, 0, beyond, 2));
	// Known to the family, not to this command.
	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_TRACK, 0, foreign, 2));
	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_HELLO, 0, beyond, 1));
	// Nothing was tracked by the refused requests.
	EXPECT_EQ(ENOENT, tmm_nl_untrack(&self->nl, getpid()));
}

TEST_F(nl, unknown_pids)
{
	struct tmm_thread_stat st;

	EXPECT_EQ(ESRCH, send_u32(&self->nl, TMM_CMD_TRACK, TMM_A_TGID, NO_SUCH_PID));
	EXPECT_EQ(ESRCH, send_u32(&self->nl, TMM_CMD_UNTRACK, TMM_A_TGID, NO_SUCH_PID));
	EXPECT_EQ(ESRCH, tmm_nl_get_thread(&self->nl, NO_SUCH_PID, &st));
	EXPECT_EQ(ESRCH, tmm_nl_dump_threads(&self->nl, NO_SUCH_PID, &(struct tmm_dump_ctx){0}));
	EXPECT_EQ(ESRCH, tmm_nl_set_label(&self->nl, NO_SUCH_PID, "x"));
	EXPECT_EQ(0, tmm_nl_track(&self->nl, getpid(), 0));
	EXPECT_EQ(ENOENT, tmm_nl_get_thread(&self->nl, 1, &st)); // exists, not tracked
}

TEST_F(nl, unknown_commands)
{
	uint32_t pid = getpid();
	struct raw_attr a = {TMM_A_TGID, 4, &pid};
	int cmd;

	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_UNSPEC, 0, NULL, 0));
	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_THREAD_EXIT, 0, &a, 1)); // an event, not a request
	EXPECT_NE(0, send_raw(&self->nl, TMM_CMD_PROCESS_EXIT, 0, &a, 1));
	for (cmd = __TMM_CMD_MAX; cmd < 256; cmd += 17)
		EXPECT_EQ(EOPNOTSUPP, send_raw(&self->nl, cmd, 0, &a, 1));
	// Only GET_THREAD dumps.
	EXPECT_EQ(EOPNOTSUPP, send_raw(&self->nl, TMM_CMD_TRACK, NLM_F_DUMP, &a, 1));
}

// One random message: command 0..255 (half the time one of the family's),
// sometimes a dump, up to 4 attributes of random type and length holding
// random bytes, or (half the time) one of the family's attributes holding
// a plausible pid, flag set or label.
static void random_attr(struct raw_attr *a, unsigned char *data, size_t size, unsigned int *seed)
{
	static const int lens[] = {0, 1, 2, 3, 4, 5, 8, 16, 31, 32, 33, 64, 200};
	uint32_t pids[] = {getpid(), (uint32_t)syscall(SYS_gettid), 1, 0, 0xffffffff, 2};
	size_t j;

	for (j = 0; j < size; j++)
		data[j] = (unsigned char)rand_r(seed);
	a->data = data;
	if (rand_r(seed) % 2) {
		a->type = rand_r(seed) % 4 == 0 ? rand_r(seed) % 0x8000 : rand_r(seed) % 16;
		a->len = lens[rand_r(seed) % (sizeof(lens) / sizeof(lens[0]))];
		return;
	}
	a->type = TMM_A_TGID + rand_r(seed) % 4; // TGID, TID, FLAGS, LABEL
	a->len = 4;
	if (a->type == TMM_A_LABEL) {
		a->len = 1 + rand_r(seed) % TMM_LABEL_LEN;
		data[a->len - 1] = '\0';
	} else if (a->type == TMM_A_FLAGS) {
		memcpy(data, &(uint32_t){(uint32_t)rand_r(seed) % 2}, 4);
	} else {
		memcpy(data, &pids[rand_r(seed) % 6], 4);
	}
}

static int send_random(struct tmm_nl *nl, unsigned int *seed)
{
	unsigned char data[4][200];
	struct raw_attr attrs[4];
	int i, n = rand_r(seed) % 5;
	int cmd = rand_r(seed) % 2 ? rand_r(seed) % 256 : rand_r(seed) % (__TMM_CMD_MAX + 1);
	int flags = rand_r(seed) % 8 == 0 ? NLM_F_DUMP : 0;

	if (n > 4)
		n = 4;
	for (i = 0; i < n; i++)
		random_attr(&attrs[i], data[i], sizeof(data[i]), seed);
	return send_raw(nl, cmd, flags, attrs, n);
}

static int kernel_log_clean(char *first_bad, size_t size)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *bad = NULL;
	static const char *const words[] = {"WARNING", "BUG", "Oops", "general protection"};
	size_t i;

	if (len <= 0)
		return 0;
	buf = calloc(1, (size_t)len + 1);
	if (!buf)
		return 0;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	for (i = 0; len > 0 && i < sizeof(words) / sizeof(words[0]) && !bad; i++)
		bad = strstr(buf, words[i]);
	if (bad)
		snprintf(first_bad, size, "%.120s", bad);
	free(buf);
	return len > 0 && !bad;
}

TEST_F(nl, ten_thousand_random_messages_leave_the_kernel_log_clean)
{
	unsigned int seed = (unsigned int)time(NULL);
	int i, unanswered = 0, accepted = 0, err;
	char bad[128] = "";

	TH_LOG("seed %u", seed);
	for (i = 0; i < 10000; i++) {
		err = send_random(&self->nl, &seed);
		if (err == EIO)
			unanswered++;
		else if (err == 0)
			accepted++;
	}
	TH_LOG("%d accepted, %d unanswered", accepted, unanswered);
	EXPECT_EQ(0, unanswered);
	// The family still answers, and the log is clean.
	EXPECT_EQ(0, send_raw(&self->nl, TMM_CMD_HELLO, 0, NULL, 0));
	EXPECT_TRUE(kernel_log_clean(bad, sizeof(bad))) TH_LOG("kernel log: %s", bad);
	tmm_nl_untrack(&self->nl, 1); // the pids the random messages name
	tmm_nl_untrack(&self->nl, 2);
}

TEST_HARNESS_MAIN
