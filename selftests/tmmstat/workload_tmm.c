// A tmm program for tmmstat's VM tests, under whichever model TMM_MODEL
// names; see workload.h for the script it follows.
#include <stdio.h>

#include "tmm.h"
#include "workload.h"

static tmm_event_t go, quit;
static tmm_sem_t finished;

static void *sleeper(void *arg)
{
	(void)arg;
	tmm_event_wait(&go);
	for (int i = 0; i < SLEEPER_NAPS; i++)
		tmm_sleep_ns(SLEEPER_NAP_NS);
	tmm_sem_post(&finished);
	tmm_event_wait(&quit);
	return NULL;
}

static void *blocker(void *arg)
{
	(void)arg;
	tmm_event_wait(&go);
	for (int i = 0; i < BLOCKER_NAPS; i++)
		workload_block(BLOCKER_NAP_NS);
	tmm_sem_post(&finished);
	tmm_event_wait(&quit);
	return NULL;
}

static void *spinner(void *arg)
{
	uint64_t end;

	(void)arg;
	tmm_event_wait(&go);
	end = workload_now_ns() + SPINNER_NS;
	while (workload_now_ns() < end)
		tmm_yield();
	tmm_sem_post(&finished);
	tmm_event_wait(&quit);
	return NULL;
}

int main(int argc, char **argv)
{
	static void *(*const fns[])(void *) = {sleeper, blocker, spinner};
	static const char *const names[] = {"sleeper", "blocker", "spinner"};
	struct workload_args a;
	tmm_thread_t *t[3];
	int err;

	workload_parse(argc, argv, &a);
	if ((err = tmm_init(NULL))) {
		fprintf(stderr, "workload_tmm: tmm_init: %d\n", err);
		return 1;
	}
	tmm_event_init(&go);
	tmm_event_init(&quit);
	tmm_sem_init(&finished, 0, 0);
	for (int i = 0; i < 3; i++) {
		struct tmm_attr attr = {.name = names[i]};

		if ((err = tmm_create(&t[i], &attr, fns[i], NULL))) {
			fprintf(stderr, "workload_tmm: tmm_create: %d\n", err);
			return 1;
		}
	}
	workload_say("ready");
	workload_wait_line();
	tmm_event_set(&go);
	for (int i = 0; i < 3; i++)
		tmm_sem_wait(&finished);
	workload_say("done");
	if (a.hold)
		workload_wait_eof();
	tmm_event_set(&quit);
	for (int i = 0; i < 3; i++)
		tmm_join(t[i], NULL);
	tmm_fini();
	return a.status;
}
