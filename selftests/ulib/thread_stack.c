// Stacks: sizes below 16 KiB are refused, a bigger stack holds a deeper
// recursion, and running off a stack is reported by name and aborts.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"

#define KIB 1024u

#include "runtime_fixture.h"

static void *identity(void *arg)
{
	return arg;
}

TEST_F(rt, stack_size_limits)
{
	struct tmm_attr small = {.stack_size = 16 * KIB - 1};
	struct tmm_attr min = {.stack_size = 16 * KIB};
	struct tmm_attr odd = {.stack_size = 100 * KIB + 3};
	tmm_thread_t *t;
	void *ret;

	EXPECT_EQ(EINVAL, tmm_create(&t, &small, identity, NULL));
	ASSERT_EQ(0, tmm_create(&t, &min, identity, &min));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(&min, ret);
	ASSERT_EQ(0, tmm_create(&t, &odd, identity, &odd));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(&odd, ret);
}

/* About 1 KiB of stack per level, kept live so the compiler cannot fold it. */
static __attribute__((noinline)) uintptr_t recurse(unsigned int depth)
{
	volatile char frame[1000];

	frame[0] = (char)depth;
	frame[999] = (char)depth;
	if (depth == 0)
		return (uintptr_t)frame[0];
	return recurse(depth - 1) + (uintptr_t)frame[999];
}

static void *deep(void *arg)
{
	return (void *)recurse((unsigned int)(uintptr_t)arg);
}

TEST_F(rt, big_stack_holds_deep_recursion)
{
	struct tmm_attr big = {.name = "deep", .stack_size = 4096 * KIB};
	tmm_thread_t *t;

	/* ~2 MiB of frames (more under ASan's redzones): far past the 64 KiB default. */
	ASSERT_EQ(0, tmm_create(&t, &big, deep, (void *)(uintptr_t)2000));
	EXPECT_EQ(0, tmm_join(t, NULL));
}

static volatile unsigned int limit = ~0u; /* never reached: the stack ends first */

static __attribute__((noinline)) uintptr_t recurse_forever(unsigned int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth == limit)
		return 0;
	return recurse_forever(depth + 1) + (uintptr_t)frame[0];
}

static void *overflow(void *arg)
{
	return (void *)recurse_forever((unsigned int)(uintptr_t)arg);
}

/*
 * In a child: overflow a 64 KiB stack of a thread named @name (NULL: no
 * name); returns the child's wait status.
 */
static int overflow_in_child(const char *name, char *err, size_t cap)
{
	int fds[2], status = 0;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct tmm_attr attr = {.name = name, .stack_size = 64 * KIB};
		tmm_thread_t *t;

		dup2(fds[1], 2);
		close(fds[0]);
		if (tmm_init(NULL) || tmm_create(&t, &attr, overflow, NULL))
			_exit(3);
		tmm_join(t, NULL);
		_exit(4); /* must not get here */
	}
	close(fds[1]);
	while (got < (ssize_t)cap - 1 && (n = read(fds[0], err + got, cap - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return status;
}

TEST(overflow_is_reported_and_aborts)
{
	char err[8192];
	int status = overflow_in_child("overflower", err, sizeof(err));

	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x, stderr: %s", status, err);
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	EXPECT_NE(NULL, strstr(err, "tmm: thread overflower overflowed its 65536-byte stack\n"))
	TH_LOG("stderr: %s", err);
}

/* A thread given no name is reported by its default one, never asked for before. */
TEST(overflow_of_an_unnamed_thread_names_it)
{
	char err[8192], *line;
	unsigned long id = 0;
	int end = 0, status = overflow_in_child(NULL, err, sizeof(err));

	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x, stderr: %s", status, err);
	EXPECT_EQ(SIGABRT, WTERMSIG(status));
	line = strstr(err, "tmm: thread thread-");
	ASSERT_NE(NULL, line) TH_LOG("stderr: %s", err);
	EXPECT_EQ(1, sscanf(line, "tmm: thread thread-%lu overflowed its 65536-byte stack\n%n", &id,
			    &end));
	EXPECT_LT(0, end) TH_LOG("stderr: %s", err);
	EXPECT_LT(0ul, id);
}

TEST_HARNESS_MAIN
