// TMM_STATS: the snapshot tmmstat reads exists only with TMM_STATS=1; unset,
// empty or 0 leave it off, anything else makes tmm_init fail with EINVAL.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "init_stderr.h"
#include "tmm_snapshot.h"

/* Whether this process holds the snapshot memfd, the way tmmstat finds it. */
static int has_snapshot(void)
{
	static const char want[] = "/memfd:" TMM_SNAP_MEMFD_NAME " ";
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	char target[256];
	int found = 0;
	ssize_t n;

	if (!dir)
		return -1;
	while (!found && (d = readdir(dir))) {
		n = readlinkat(dirfd(dir), d->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strncmp(target, want, sizeof(want) - 1) == 0;
	}
	closedir(dir);
	return found;
}

/* tmm_init, then whether the snapshot exists while it runs; fini checked too. */
static int snapshot_while_running(struct __test_metadata *_metadata)
{
	int seen;

	EXPECT_EQ(0, tmm_init(NULL));
	seen = has_snapshot();
	EXPECT_EQ(0, tmm_fini());
	EXPECT_EQ(0, has_snapshot()) TH_LOG("the snapshot outlived tmm_fini");
	return seen;
}

TEST(off_without_tmm_stats)
{
	unsetenv("TMM_STATS");
	EXPECT_EQ(0, snapshot_while_running(_metadata));
}

TEST(off_with_tmm_stats_0_or_empty)
{
	setenv("TMM_STATS", "0", 1);
	EXPECT_EQ(0, snapshot_while_running(_metadata));
	setenv("TMM_STATS", "", 1);
	EXPECT_EQ(0, snapshot_while_running(_metadata));
}

TEST(on_with_tmm_stats_1_and_again_after_a_cycle)
{
	setenv("TMM_STATS", "1", 1);
	EXPECT_EQ(1, snapshot_while_running(_metadata));
	/* Each tmm_init reads the variable afresh. */
	unsetenv("TMM_STATS");
	EXPECT_EQ(0, snapshot_while_running(_metadata));
	setenv("TMM_STATS", "1", 1);
	EXPECT_EQ(1, snapshot_while_running(_metadata));
}

TEST(any_other_value_is_einval_with_a_message)
{
	const char *bad[] = {"2", "yes", "on", "true", " 1", "1 ", "01", "-1"};
	char msg[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("TMM_STATS", bad[i], 1);
		EXPECT_EQ(EINVAL, init_capturing_stderr(NULL, msg, sizeof(msg)))
		TH_LOG("TMM_STATS=\"%s\" accepted", bad[i]);
		EXPECT_NE(NULL, strstr(msg, "TMM_STATS"));
		EXPECT_NE(NULL, strstr(msg, bad[i]));
		/* One line: its only newline ends it. */
		EXPECT_EQ(msg + strlen(msg) - 1, strchr(msg, '\n')) TH_LOG("%s", msg);
		/* Nothing started: no model, no snapshot. */
		EXPECT_EQ(TMM_MODEL_DEFAULT, (int)tmm_current_model());
		EXPECT_EQ(0, has_snapshot());
	}
	/* And a good value works right after. */
	setenv("TMM_STATS", "1", 1);
	EXPECT_EQ(1, snapshot_while_running(_metadata));
}

TEST_HARNESS_MAIN
