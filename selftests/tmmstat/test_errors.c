// tmmstat's errors in the VM: each is one line saying what is wrong and what
// to do, with its own exit status (tmmstat --help lists them).
#include <sched.h>
#include <stdint.h>

#include "../../ulib/src/kmod_label.h"
#include "helpers.h"
#include "kselftest_harness.h"

enum {
	BAD_ARGS = 2,
	NO_MODULE = 3,
	NO_FAMILY = 4,
	NO_PERMISSION = 5,
	NO_PROCESS = 6,
	NOT_TRACKED = 8
};

TEST(help_for_every_command)
{
	static const char *const commands[] = {"show", "top",	"hist",	  "watch",
					       "run",  "track", "untrack"};
	struct result r;

	tmmstat(&r, "--help");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "exit status"));
	result_free(&r);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "usage: tmmstat %s", commands[i]);
		tmmstat(&r, (char *)commands[i], "--help");
		EXPECT_EQ(0, r.status) TH_LOG("%s", commands[i]);
		EXPECT_EQ(0, strncmp(r.out, want, strlen(want))) TH_LOG("%s", r.out);
		result_free(&r);
	}
}

TEST(bad_arguments_get_one_line_and_status_2)
{
	static const char *const cases[][5] = {
	    {"frobnicate"},
	    {"show"},
	    {"show", "abc"},
	    {"show", "1", "2"},
	    {"show", "--sort", "bogus", "1"},
	    {"show", "--bogus", "1"},
	    {"top", "--interval", "0", "1"},
	    {"top", "--iterations", "-3", "1"},
	    {"hist"},
	    {"watch", "--count", "x"},
	    {"run"},
	    {"run", "--model", "2:2", "--", "true"},
	    {"run", "--kthreads", "0", "--", "true"},
	    {"track"},
	    {"untrack", "0"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct result r;

		tmmstat(&r, (char *)cases[i][0], (char *)cases[i][1], (char *)cases[i][2],
			(char *)cases[i][3], (char *)cases[i][4]);
		EXPECT_EQ(BAD_ARGS, r.status) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_EQ(1, count_lines(r.err)) TH_LOG("case %zu: %s", i, r.err);
		EXPECT_NE(NULL, strstr(r.err, "--help")) TH_LOG("case %zu", i);
		result_free(&r);
	}
}

TEST(no_such_process)
{
	struct result r;

	tmmstat(&r, "show", "4000000");
	EXPECT_EQ(NO_PROCESS, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	result_free(&r);
	tmmstat(&r, "track", "4000000");
	EXPECT_EQ(NO_PROCESS, r.status);
	result_free(&r);
	tmmstat(&r, "show", "--ult", "4000000");
	EXPECT_EQ(NO_PROCESS, r.status);
	result_free(&r);
}

static pid_t idle_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

TEST(not_tracked)
{
	pid_t pid = idle_child();
	char pidstr[16];
	struct result r;

	ASSERT_LT(0, pid);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	tmmstat(&r, "show", pidstr);
	EXPECT_EQ(NOT_TRACKED, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "tmmstat track")); /* what to do */
	result_free(&r);
	tmmstat(&r, "untrack", pidstr);
	EXPECT_EQ(NOT_TRACKED, r.status) TH_LOG("%s", r.err);
	result_free(&r);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

TEST(no_permission_to_read_another_users_process)
{
	pid_t pid = idle_child();
	char pidstr[16];
	struct result r;

	ASSERT_LT(0, pid);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	tmmstat(&r, "track", pidstr);
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	result_free(&r);

	tmmstat_as(&r, NOBODY, "show", pidstr, NULL);
	EXPECT_EQ(NO_PERMISSION, r.status) TH_LOG("%s", r.err);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	result_free(&r);
	tmmstat_as(&r, NOBODY, "untrack", pidstr, NULL);
	EXPECT_EQ(NO_PERMISSION, r.status) TH_LOG("%s", r.err);
	result_free(&r);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Last: it unloads the module and loads it back. */
/*
 * The family is registered in the initial network namespace only, so from
 * another one the module is loaded but its family cannot be found.  (The
 * harness runs each test in a child of its own: the namespace ends with it.)
 */
TEST(family_missing)
{
	struct result r;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	tmmstat(&r, "show", "1");
	EXPECT_EQ(NO_FAMILY, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "no netlink family"));
	result_free(&r);
}

TEST(module_not_loaded)
{
	struct result r;

	ASSERT_EQ(0, system("rmmod tmm"));
	tmmstat(&r, "show", "1");
	EXPECT_EQ(NO_MODULE, r.status);
	EXPECT_EQ(1, count_lines(r.err)) TH_LOG("%s", r.err);
	EXPECT_NE(NULL, strstr(r.err, "modprobe tmm"));
	result_free(&r);
	tmmstat(&r, "run", "--", "true");
	EXPECT_EQ(NO_MODULE, r.status);
	result_free(&r);
	/* libtmm's labels quietly find nothing to talk to. */
	EXPECT_EQ(ENOENT, tmm_kmod_label(getpid(), "tmm-main"));
	ASSERT_EQ(0, system("insmod /tmm/tmm.ko.available"));
	tmmstat(&r, "track", "1");
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	result_free(&r);
	tmmstat(&r, "untrack", "1");
	result_free(&r);
}

TEST_HARNESS_MAIN
