// Host smoke test: libtmm links, names its models and runs a thread.
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"
#include "tmm_snapshot.h"
/* The public headers go together: tools include all three. */
#include <linux/tmm.h>

TEST(model_names)
{
	EXPECT_STREQ("m:1", tmm_model_name(TMM_M1));
	EXPECT_STREQ("1:1", tmm_model_name(TMM_1TO1));
	EXPECT_STREQ("m:n", tmm_model_name(TMM_MN));
	EXPECT_EQ(NULL, tmm_model_name((enum tmm_model)42));
}

static void *echo(void *arg)
{
	return arg;
}

TEST(a_thread_runs_under_the_model_from_the_environment)
{
	tmm_thread_t *t;
	void *ret = NULL;

	ASSERT_EQ(0, tmm_init(NULL));
	EXPECT_NE(NULL, tmm_model_name(tmm_current_model()));
	ASSERT_EQ(0, tmm_create(&t, NULL, echo, &ret));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(&ret, ret);
	EXPECT_EQ(0, tmm_fini());
}

TEST_HARNESS_MAIN
