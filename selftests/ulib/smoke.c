// Host smoke test: libtmm links and names its models.
#include <string.h>

#include "kselftest_harness.h"
#include "tmm.h"

TEST(model_names)
{
	EXPECT_STREQ("m:1", tmm_model_name(TMM_M1));
	EXPECT_STREQ("1:1", tmm_model_name(TMM_1TO1));
	EXPECT_STREQ("m:n", tmm_model_name(TMM_MN));
	EXPECT_EQ(NULL, tmm_model_name((enum tmm_model)42));
}

TEST_HARNESS_MAIN
