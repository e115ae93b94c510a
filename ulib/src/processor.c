/*
 * processor.c — processors, where tmm threads run, and binding a thread to
 * one (tmm.h).  Each scheduler says what a processor is: a run queue under
 * M:N and M:1 (sched_user.c), a CPU under 1:1 (sched_1to1.c).
 */
#include <errno.h>

#include "runtime.h"

TMM_API unsigned int tmm_processor_count(void)
{
	return tmm_rt.started ? tmm_rt.sched->nprocessors() : 0;
}

TMM_API int tmm_current_processor(void)
{
	return tmm_rt.started && tmm_current() ? tmm_rt.sched->processor() : -1;
}

TMM_API int tmm_bind_processor(int processor)
{
	struct tmm_thread *self = tmm_current();

	if (!tmm_rt.started || !self || processor < -1 ||
	    (processor >= 0 && (unsigned int)processor >= tmm_rt.sched->nprocessors()))
		return EINVAL;
	return tmm_rt.sched->bind(self, processor);
}
