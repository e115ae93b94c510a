// tmm_init and tmm_fini: configuration errors, EBUSY, init/fini cycles, and
// what the API does before tmm_init (EINVAL; tmm_self() is NULL).
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tmm.h"

#include "init_stderr.h"

/* An error is EINVAL with exactly one line on stderr naming the variable. */
static int rejects_env(const char *var, const char *value, char *msg, size_t cap)
{
	setenv(var, value, 1);
	return init_capturing_stderr(NULL, msg, cap);
}

TEST(bad_tmm_model_is_einval_with_a_message)
{
	const char *bad[] = {"m:2", "M:1", "mn", " m:1", "1:1 ", "x"};
	char msg[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EINVAL, rejects_env("TMM_MODEL", bad[i], msg, sizeof(msg)));
		EXPECT_NE(NULL, strstr(msg, "TMM_MODEL"));
		EXPECT_NE(NULL, strstr(msg, bad[i]));
		EXPECT_EQ(strlen(msg) - 1, (size_t)(strchr(msg, '\n') - msg)) TH_LOG("%s", msg);
		EXPECT_EQ(TMM_MODEL_DEFAULT, (int)tmm_current_model());
	}
}

TEST(bad_tmm_kthreads_is_einval_with_a_message)
{
	const char *bad[] = {"0", "-1", "abc", "4x", "1000000", "99999999999999999999999", "+2"};
	char msg[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EINVAL, rejects_env("TMM_KTHREADS", bad[i], msg, sizeof(msg)))
		TH_LOG("TMM_KTHREADS=%s accepted", bad[i]);
		EXPECT_NE(NULL, strstr(msg, "TMM_KTHREADS"));
		EXPECT_EQ(strlen(msg) - 1, (size_t)(strchr(msg, '\n') - msg));
	}
}

TEST(bad_config_fields_are_einval)
{
	struct tmm_config model = {.model = (enum tmm_model)7};
	struct tmm_config kthreads = {.kthreads = 100000};
	struct tmm_config stack = {.stack_size = 4096};
	char msg[512];

	EXPECT_EQ(EINVAL, init_capturing_stderr(&model, msg, sizeof(msg)));
	EXPECT_NE(0u, strlen(msg));
	EXPECT_EQ(EINVAL, init_capturing_stderr(&kthreads, msg, sizeof(msg)));
	EXPECT_EQ(EINVAL, init_capturing_stderr(&stack, msg, sizeof(msg)));
}

TEST(config_model_overrides_the_environment)
{
	struct tmm_config cfg = {.model = TMM_M1};

	setenv("TMM_MODEL", "1:1", 1);
	ASSERT_EQ(0, tmm_init(&cfg));
	EXPECT_EQ(TMM_M1, (int)tmm_current_model());
	EXPECT_EQ(0, tmm_fini());
}

TEST(default_model_is_mn)
{
	unsetenv("TMM_MODEL");
	ASSERT_EQ(0, tmm_init(NULL));
	EXPECT_EQ(TMM_MN, (int)tmm_current_model());
	EXPECT_EQ(0, tmm_fini());
}

TEST(second_init_is_ebusy)
{
	ASSERT_EQ(0, tmm_init(NULL));
	EXPECT_EQ(EBUSY, tmm_init(NULL));
	EXPECT_EQ(0, tmm_fini());
	EXPECT_EQ(EINVAL, tmm_fini());
}

static void *add_one(void *arg)
{
	__atomic_fetch_add((int *)arg, 1, __ATOMIC_RELAXED);
	return arg;
}

TEST(init_fini_cycles_keep_working)
{
	int ran = 0;

	for (int cycle = 0; cycle < 20; cycle++) {
		tmm_thread_t *t[4];

		ASSERT_EQ(0, tmm_init(NULL)) TH_LOG("cycle %d", cycle);
		EXPECT_STREQ("main", tmm_thread_name(tmm_self()));
		EXPECT_EQ(1u, tmm_active_count());
		for (int i = 0; i < 4; i++)
			ASSERT_EQ(0, tmm_create(&t[i], NULL, add_one, &ran));
		for (int i = 0; i < 4; i++)
			EXPECT_EQ(0, tmm_join(t[i], NULL));
		ASSERT_EQ(0, tmm_fini());
	}
	EXPECT_EQ(80, ran);
}

TEST(calls_before_init_are_einval)
{
	tmm_thread_t *t = NULL;
	tmm_key_t key;

	EXPECT_EQ(NULL, tmm_self());
	EXPECT_EQ(EINVAL, tmm_create(&t, NULL, add_one, NULL));
	EXPECT_EQ(NULL, t);
	EXPECT_EQ(EINVAL, tmm_join(t, NULL));
	EXPECT_EQ(EINVAL, tmm_sleep_ns(1000));
	EXPECT_EQ(EINVAL, tmm_fini());
	EXPECT_EQ(0u, tmm_active_count());
	EXPECT_EQ(TMM_MODEL_DEFAULT, (int)tmm_current_model());
	tmm_yield(); /* harmless */
	/* Keys are process-wide and may be made early; values need a tmm thread. */
	ASSERT_EQ(0, tmm_key_create(&key, NULL));
	EXPECT_EQ(EINVAL, tmm_setspecific(key, &key));
	EXPECT_EQ(NULL, tmm_getspecific(key));
	EXPECT_EQ(0, tmm_key_delete(key));
}

static void *try_fini(void *arg)
{
	(void)arg;
	return (void *)(long)tmm_fini();
}

TEST(fini_outside_main_is_eperm)
{
	tmm_thread_t *t;
	void *ret;

	ASSERT_EQ(0, tmm_init(NULL));
	ASSERT_EQ(0, tmm_create(&t, NULL, try_fini, NULL));
	ASSERT_EQ(0, tmm_join(t, &ret));
	EXPECT_EQ(EPERM, (int)(long)ret);
	EXPECT_EQ(0, tmm_fini());
}

static int finished;

static void *slow_worker(void *arg)
{
	(void)arg;
	tmm_sleep_ns(20 * 1000 * 1000);
	__atomic_store_n(&finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(fini_waits_for_non_daemon_threads)
{
	struct tmm_attr detached = {.detached = 1};
	tmm_thread_t *t;

	ASSERT_EQ(0, tmm_init(NULL));
	ASSERT_EQ(0, tmm_create(&t, &detached, slow_worker, NULL));
	EXPECT_EQ(0, tmm_fini());
	EXPECT_EQ(1, __atomic_load_n(&finished, __ATOMIC_ACQUIRE));
}

static void *forever(void *arg)
{
	(void)arg;
	while (tmm_sleep_ns(1000 * 1000) == 0)
		;
	return NULL; /* under 1:1, once tmm_fini ended the runtime */
}

TEST(fini_does_not_wait_for_daemons)
{
	struct tmm_attr daemon = {.name = "daemon", .daemon = 1};
	tmm_thread_t *t;

	for (int cycle = 0; cycle < 3; cycle++) {
		ASSERT_EQ(0, tmm_init(NULL));
		ASSERT_EQ(0, tmm_create(&t, &daemon, forever, NULL));
		ASSERT_EQ(0, tmm_create(&t, &daemon, forever, NULL));
		tmm_sleep_ns(2 * 1000 * 1000);
		EXPECT_EQ(3u, tmm_active_count());
		EXPECT_EQ(0, tmm_fini());
	}
}

TEST_HARNESS_MAIN
