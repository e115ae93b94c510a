/* ult.c — see ult.h. */
#include <errno.h>
#include <string.h>

#include "tmmstat.h"
#include "ult.h"

const char *ult_model_name(uint32_t model)
{
	static const char *const names[] = {[1] = "m:1", [2] = "1:1", [3] = "m:n"};

	return model >= 1 && model <= 3 ? names[model] : "?";
}

const char *ult_role_name(uint32_t role)
{
	static const char *const names[] = {
	    [TMM_ROLE_MAIN] = "main",	  [TMM_ROLE_WORKER] = "worker",
	    [TMM_ROLE_SPARE] = "spare",	  [TMM_ROLE_MONITOR] = "monitor",
	    [TMM_ROLE_THREAD] = "thread",
	};

	return role >= TMM_ROLE_MAIN && role <= TMM_ROLE_THREAD ? names[role] : "?";
}

const char *ult_state_name(uint32_t state)
{
	/* enum tmm_state: NEW, RUNNABLE, RUNNING, BLOCKED, TERMINATED */
	static const char *const names[] = {"new", "runnable", "running", "blocked", "done"};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

const struct tmm_snap_kthread *ult_kthread(const struct snapshot *s, int32_t tid)
{
	for (uint32_t i = 0; tid && i < s->header->kthread_capacity; i++)
		if (s->kthreads[i].tid == tid)
			return &s->kthreads[i];
	return NULL;
}

uint32_t ult_thread_count(const struct snapshot *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->header->thread_capacity; i++)
		n += s->threads[i].id != 0;
	return n;
}

void ult_copy_name(char dst[TMM_SNAP_NAME_LEN + 1], const char src[TMM_SNAP_NAME_LEN])
{
	memcpy(dst, src, TMM_SNAP_NAME_LEN);
	dst[TMM_SNAP_NAME_LEN] = '\0';
}

uint64_t ult_touch_all(const struct snapshot *s)
{
	char name[TMM_SNAP_NAME_LEN + 1];
	uint64_t sum = s->header->generation;

	for (uint32_t i = 0; i < s->header->kthread_capacity; i++) {
		ult_copy_name(name, s->kthreads[i].label);
		sum += s->kthreads[i].switches + strlen(name) + s->kthreads[i].role;
	}
	for (uint32_t i = 0; i < s->header->thread_capacity; i++) {
		const struct tmm_snap_thread *t = &s->threads[i];

		ult_copy_name(name, t->name);
		sum += t->switches + t->run_ns + strlen(name) + strlen(ult_state_name(t->state));
		sum += ult_kthread(s, t->ktid) != NULL;
	}
	return sum;
}

int ult_fail(int err, int pid, const char *why)
{
	switch (err) {
	case ENOENT:
		errorf("process %d is not a tmm process (no \"%s\" memfd): --ult needs a program "
		       "linked with libtmm, after tmm_init, run with TMM_STATS=1 (or under tmmstat "
		       "run)",
		       pid, TMM_SNAP_MEMFD_NAME);
		return EXIT_NOT_TMM;
	case ESRCH:
		errorf("no such process: %d (check the id with ps)", pid);
		return EXIT_NO_PROCESS;
	case EACCES:
	case EPERM:
		errorf("permission denied reading the tmm snapshot of process %d: run tmmstat as "
		       "its owner or as root",
		       pid);
		return EXIT_PERMISSION;
	case EPROTO:
		errorf("the tmm snapshot of process %d is unusable: %s; is tmmstat as new as the "
		       "program's libtmm?",
		       pid, why ? why : "corrupt");
		return EXIT_PROTOCOL;
	default:
		errorf("cannot read the tmm snapshot of process %d: %s", pid, strerror(err));
		return EXIT_FAILURE_OTHER;
	}
}
