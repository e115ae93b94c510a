// Lifecycle: load and unload tmm.ko 50 times while a tracked process (and
// the children it forks, tracked too) creates and ends threads.  Leaves the
// module loaded, as it found it.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm_nl.h"

#define MODULE_FILE "/tmm/tmm.ko.available"
#define CYCLES 50

static int module_loaded(void)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "tmm ", 4) == 0)
			found = 1;
	fclose(f);
	return found;
}

static int module_load(void)
{
	int fd = open(MODULE_FILE, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	close(fd);
	return err;
}

// Unloads, retrying while a dump or a socket still holds the module.
static int module_unload(void)
{
	struct timespec ms = {0, 1000 * 1000};
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		if (syscall(SYS_delete_module, "tmm", O_NONBLOCK) == 0)
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return errno;
		nanosleep(&ms, NULL);
	}
	return EBUSY;
}

static void *short_lived(void *arg)
{
	struct timespec us = {0, 100 * 1000};

	(void)arg;
	nanosleep(&us, NULL);
	return NULL;
}

// Forever: four threads that end soon, and a child process that does the
// same once.
static void churn(void)
{
	pthread_t t[4];
	pid_t child;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		for (i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, short_lived, NULL);
		child = fork();
		if (child == 0) {
			pthread_create(&t[0], NULL, short_lived, NULL);
			pthread_join(t[0], NULL);
			_exit(0);
		}
		for (i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		if (child > 0)
			waitpid(child, NULL, 0);
	}
}

FIXTURE(module)
{
	int unused;
};

FIXTURE_SETUP(module)
{
}

FIXTURE_TEARDOWN(module)
{
	// Whatever happened, leave the module loaded for the tests after this.
	if (!module_loaded())
		module_load();
}

// Under TCG a cycle takes about a second.
TEST_F_TIMEOUT(module, load_unload_while_tracked_threads_come_and_go, 240)
{
	struct timespec settle = {0, 20 * 1000 * 1000};
	struct tmm_dump_ctx ctx = {0};
	struct tmm_nl nl;
	pid_t churner;
	int i, err;

	if (!module_loaded() || access(MODULE_FILE, R_OK))
		SKIP(return, "tmm.ko is not loaded or %s is missing", MODULE_FILE);
	churner = fork();
	ASSERT_LE(0, churner);
	if (churner == 0)
		churn();
	for (i = 0; i < CYCLES; i++) {
		if (i > 0)
			ASSERT_EQ(0, module_load()) TH_LOG("cycle %d: load", i);
		ASSERT_EQ(0, tmm_nl_open(&nl)) TH_LOG("cycle %d: family", i);
		EXPECT_EQ(0, tmm_nl_track(&nl, churner, TMM_TRACK_CHILDREN));
		nanosleep(&settle, NULL);
		EXPECT_EQ(0, tmm_nl_dump_threads(&nl, churner, &ctx));
		tmm_nl_close(&nl);
		// Still tracking: the probes are attached when the module goes.
		err = module_unload();
		ASSERT_EQ(0, err) TH_LOG("cycle %d: unload: %s", i, strerror(err));
	}
	EXPECT_GE(ctx.records, CYCLES);
	kill(churner, SIGKILL);
	waitpid(churner, NULL, 0);
	ASSERT_EQ(0, module_load());
	ASSERT_TRUE(module_loaded());
	(void)self;
}

TEST_HARNESS_MAIN
