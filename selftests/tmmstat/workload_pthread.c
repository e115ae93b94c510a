// A plain pthread program (no libtmm) for tmmstat's VM tests; see
// workload.h for the script it follows.
#include <pthread.h>
#include <semaphore.h>

#include "workload.h"

static sem_t finished, quit;

static void *sleeper(void *arg)
{
	(void)arg;
	for (int i = 0; i < SLEEPER_NAPS; i++)
		workload_block(SLEEPER_NAP_NS);
	return NULL;
}

static void *blocker(void *arg)
{
	(void)arg;
	for (int i = 0; i < BLOCKER_NAPS; i++)
		workload_block(BLOCKER_NAP_NS);
	return NULL;
}

static void *spinner(void *arg)
{
	uint64_t end = workload_now_ns() + SPINNER_NS;

	(void)arg;
	while (workload_now_ns() < end)
		;
	return NULL;
}

static void *run_then_wait(void *arg)
{
	void *(*fn)(void *) = (void *(*)(void *))arg;

	fn(NULL);
	sem_post(&finished);
	while (sem_wait(&quit) != 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	static void *(*const fns[])(void *) = {sleeper, blocker, spinner};
	static const char *const names[] = {"sleeper", "blocker", "spinner"};
	struct workload_args a;
	pthread_t t[3];

	workload_parse(argc, argv, &a);
	sem_init(&finished, 0, 0);
	sem_init(&quit, 0, 0);
	workload_say("ready");
	workload_wait_line();
	for (int i = 0; i < 3; i++) {
		if (pthread_create(&t[i], NULL, run_then_wait, (void *)fns[i])) {
			fprintf(stderr, "workload_pthread: pthread_create failed\n");
			return 1;
		}
		pthread_setname_np(t[i], names[i]);
	}
	for (int i = 0; i < 3; i++)
		while (sem_wait(&finished) != 0)
			;
	workload_say("done");
	if (a.hold)
		workload_wait_eof();
	for (int i = 0; i < 3; i++)
		sem_post(&quit);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return a.status;
}
