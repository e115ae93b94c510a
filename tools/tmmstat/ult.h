/*
 * ult.h — ulib's side of the picture: the tmm threads (user-level threads)
 * each kernel thread runs, from a checked snapshot (snapshot.h).
 */
#ifndef TMMSTAT_ULT_H
#define TMMSTAT_ULT_H

#include <stdint.h>

#include "snapshot.h"

/* "m:1", "1:1", "m:n" or "?" */
const char *ult_model_name(uint32_t model);
/* "main", "worker", "spare", "monitor", "thread" or "?" */
const char *ult_role_name(uint32_t role);
/* "new", "runnable", "running", "blocked", "done" or "?" */
const char *ult_state_name(uint32_t state);

/* The live kernel-thread record for @tid, or NULL. */
const struct tmm_snap_kthread *ult_kthread(const struct snapshot *s, int32_t tid);

/* Live tmm threads (id != 0). */
uint32_t ult_thread_count(const struct snapshot *s);

/*
 * A record's name or label as a NUL-terminated copy: the writer's bytes are
 * not trusted to end with a NUL.
 */
void ult_copy_name(char dst[TMM_SNAP_NAME_LEN + 1], const char src[TMM_SNAP_NAME_LEN]);

/* Reads every record the way the views do (for the fuzz target). */
uint64_t ult_touch_all(const struct snapshot *s);

/* Turns snapshot_read's error into the one-line message and exit code. */
int ult_fail(int err, int pid, const char *why);

#endif /* TMMSTAT_ULT_H */
